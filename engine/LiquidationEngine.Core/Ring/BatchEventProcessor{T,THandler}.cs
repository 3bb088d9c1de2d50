using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace LiquidationEngine.Ring;

/// <summary>Runs one consumer: waits on its barrier, hands every available event to the handler as one batch,
/// then publishes its own <see cref="Sequence"/> once for the whole batch.</summary>
/// <typeparam name="T">The event type.</typeparam>
/// <typeparam name="THandler">The handler: a struct, so the JIT specialises this loop for it and inlines its calls.</typeparam>
/// <remarks>
/// <para>Invariant: <see cref="Sequence"/> is the last event the handler has fully handled. Later stages and
/// producers read it, so an event is never passed on, or its slot reused, before the handler is done with it.</para>
/// <para>Faults: an exception thrown by the handler is not swallowed and does not kill the process. The processor
/// records it in <see cref="Fault"/>, leaves <see cref="Sequence"/> at the last event handled without error, calls
/// <see cref="IEventHandler{T}.OnShutdown"/> and stops. The faulting event is not passed on to later stages; its
/// producers are held back once the ring fills. Whoever owns the processor must watch <see cref="Fault"/>
/// (or <see cref="IsRunning"/>) and decide what to do.</para>
/// <example>
/// <code>
/// var processor = new BatchEventProcessor&lt;Tick, TickHandler&gt;(ring, ring.NewBarrier(), new TickHandler());
/// ring.AddGatingSequences(processor.Sequence);
/// processor.Start("tick-consumer");
/// // ...
/// processor.Stop(TimeSpan.FromSeconds(5));
/// if (processor.Fault is { } fault) { /* report it */ }
/// </code>
/// </example>
/// </remarks>
public sealed class BatchEventProcessor<T, THandler>
    where T : struct
    where THandler : struct, IEventHandler<T>
{
    private const int Idle = 0;
    private const int Running = 1;
    private const int Halted = 2;

    private readonly RingBuffer<T> _ring;
    private readonly SequenceBarrier _barrier;

    /// <summary>The last sequence handled; starts at -1.</summary>
    private readonly Sequence _sequence = new();

    /// <summary>Stopwatch ticks of idle time before <see cref="IEventHandler{T}.OnTimeout"/>; negative for never.</summary>
    private readonly long _idleTimeoutTicks;

    /// <summary>Guards <see cref="_thread"/> against two concurrent starts.</summary>
    private readonly Lock _threadLock = new();

    /// <summary>Not readonly: the handler mutates its own fields, and a readonly struct field would be copied per call.</summary>
    private THandler _handler;

    /// <summary><see cref="Idle"/>, <see cref="Running"/> or <see cref="Halted"/> (halt requested).</summary>
    private volatile int _state;

    /// <summary>The first exception the handler threw since the last run started.</summary>
    private Exception? _fault;

    private Thread? _thread;

    /// <summary>Creates a processor that never times out.</summary>
    /// <param name="ring">The ring to read events from.</param>
    /// <param name="barrier">This consumer's barrier, from <see cref="RingBuffer.NewBarrier"/>.</param>
    /// <param name="handler">The handler; the processor keeps its own copy.</param>
    public BatchEventProcessor(RingBuffer<T> ring, SequenceBarrier barrier, THandler handler)
        : this(ring, barrier, handler, Timeout.InfiniteTimeSpan)
    {
    }

    /// <summary>Creates a processor that calls <see cref="IEventHandler{T}.OnTimeout"/> after
    /// <paramref name="idleTimeout"/> without events.</summary>
    /// <param name="ring">The ring to read events from.</param>
    /// <param name="barrier">This consumer's barrier, from <see cref="RingBuffer.NewBarrier"/>.</param>
    /// <param name="handler">The handler; the processor keeps its own copy.</param>
    /// <param name="idleTimeout">How long to wait for events before idle work, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    public BatchEventProcessor(RingBuffer<T> ring, SequenceBarrier barrier, THandler handler, TimeSpan idleTimeout)
    {
        ArgumentNullException.ThrowIfNull(ring);
        ArgumentNullException.ThrowIfNull(barrier);
        _ring = ring;
        _barrier = barrier;
        _handler = handler;
        _idleTimeoutTicks = SequenceBarrier.ToStopwatchTicks(idleTimeout);

        // Run the hook detection (reflection, allocations) here rather than on the consumer thread.
        HandlerHooks<T, THandler>.Initialize();
    }

    /// <summary>The last sequence this consumer has handled: gate producers or later stages on it.</summary>
    public Sequence Sequence => _sequence;

    /// <summary>The processor's own copy of the handler. Read it only while the processor is not running.</summary>
    public ref THandler Handler => ref _handler;

    /// <summary>Whether <see cref="Run"/> is executing (including while a halt is being honoured).</summary>
    public bool IsRunning => _state != Idle;

    /// <summary>The exception that stopped the processor, if the handler threw; <see langword="null"/> otherwise.</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>Handles events on the calling thread until <see cref="Halt"/> or a handler fault.</summary>
    /// <remarks>Runs again after a halt, from the event after the last one handled. If <see cref="Halt"/> was
    /// called while the processor was idle, this returns at once (and clears the halt).</remarks>
    /// <exception cref="InvalidOperationException">The processor is already running.</exception>
    public void Run()
    {
        int previous = Interlocked.CompareExchange(ref _state, Running, Idle);
        if (previous == Running)
        {
            ThrowHelper.ThrowAlreadyRunning();
        }

        if (previous == Halted)
        {
            // Halted before it ran (e.g. stopped right after Start): honour it, and allow a later run.
            _state = Idle;
            return;
        }

        Volatile.Write(ref _fault, null);

        // Clear a stale alert, then re-check: a Halt racing with this clear has already set the state.
        _barrier.ClearAlert();
        try
        {
            if (_state == Running)
            {
                if (HandlerHooks<T, THandler>.OnStart)
                {
                    _handler.OnStart();
                }

                ProcessEvents();
            }
        }
        catch (Exception ex) when (RecordFault(ex))
        {
        }
        finally
        {
            NotifyShutdown();
            _state = Idle;
        }
    }

    /// <summary>Asks the processor to stop: it finishes the batch in hand, then <see cref="Run"/> returns.
    /// Wakes it if it is waiting for events.</summary>
    public void Halt()
    {
        _state = Halted;
        _barrier.Alert();
    }

    /// <summary>Starts <see cref="Run"/> on a new dedicated background thread (never a thread-pool thread).</summary>
    /// <param name="threadName">The thread's name, as shown in debuggers and dumps.</param>
    /// <returns>The started thread.</returns>
    /// <exception cref="InvalidOperationException">A thread started earlier is still running.</exception>
    public Thread Start(string threadName)
    {
        ArgumentNullException.ThrowIfNull(threadName);
        lock (_threadLock)
        {
            if (_thread is { IsAlive: true })
            {
                ThrowHelper.ThrowAlreadyStarted();
            }

            var thread = new Thread(RunOnOwnThread) { Name = threadName, IsBackground = true };
            _thread = thread;
            thread.Start();
            return thread;
        }
    }

    /// <summary>Waits for the thread from <see cref="Start"/> to end.</summary>
    /// <param name="timeout">How long to wait, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <returns><see langword="true"/> if the thread ended (or none was started).</returns>
    public bool Join(TimeSpan timeout)
    {
        Thread? thread;
        lock (_threadLock)
        {
            thread = _thread;
        }

        return thread is null || thread.Join(timeout);
    }

    /// <summary><see cref="Halt"/>s the processor and waits for its thread to end.</summary>
    /// <param name="timeout">How long to wait, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <returns><see langword="true"/> if the thread ended in time.</returns>
    public bool Stop(TimeSpan timeout)
    {
        Halt();
        return Join(timeout);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProcessEvents()
    {
        long next = _sequence.Value + 1;
        try
        {
            while (true)
            {
                long available = _barrier.WaitFor(next, _idleTimeoutTicks);
                if (available >= next)
                {
                    Debug.Assert(available - next < _ring.BufferSize,
                        "A batch longer than the ring: producers lapped this consumer (is it gating, or upstream of a gating stage?).");
                    if (HandlerHooks<T, THandler>.OnBatchStart)
                    {
                        _handler.OnBatchStart(available - next + 1);
                    }

                    for (; next < available; next++)
                    {
                        _handler.OnEvent(ref _ring[next], next, endOfBatch: false);
                    }

                    Debug.Assert(next == available);
                    _handler.OnEvent(ref _ring[next], next, endOfBatch: true);
                    next++;

                    // Once per batch: one release write tells producers and later stages about the whole batch.
                    _sequence.SetValue(available);
                }
                else if (available == SequenceBarrier.TimedOut)
                {
                    if (HandlerHooks<T, THandler>.OnTimeout)
                    {
                        _handler.OnTimeout(next - 1);
                    }
                }
                else
                {
                    // Alerted: only Halt alerts a processor's barrier.
                    Debug.Assert(available == SequenceBarrier.Alerted);
                    return;
                }
            }
        }
        catch (Exception ex) when (RecordFault(ex))
        {
            // Leave the sequence at the last event handled without error: the faulting one is not passed on.
            _sequence.SetValue(next - 1);
        }
    }

    /// <summary>Exception filter: keeps the first fault; returns true so it is caught, not rethrown.</summary>
    private bool RecordFault(Exception exception)
    {
        Interlocked.CompareExchange(ref _fault, exception, null);
        return true;
    }

    private void NotifyShutdown()
    {
        if (!HandlerHooks<T, THandler>.OnShutdown)
        {
            return;
        }

        try
        {
            _handler.OnShutdown();
        }
        catch (Exception ex) when (RecordFault(ex))
        {
        }
    }

    private void RunOnOwnThread()
    {
        try
        {
            Run();
        }
        catch (Exception ex)
        {
            RecordFault(ex);
        }
    }
}
