using System.Diagnostics;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Ring;
using LiquidationEngine.State;

namespace LiquidationEngine.Pipeline;

/// <summary>
/// The running engine: input ring → (journal ∥ writer) → output ring → sinks. Every state change enters through
/// <see cref="Publish"/>, is applied by one writer thread in ring order, and its events leave through the output ring.
/// </summary>
/// <remarks>
/// <para>Threads: producers (feeds, gateway connections, replay) call <see cref="Publish"/>; the writer thread owns
/// <see cref="EngineState"/>; the optional journal thread appends every input in parallel with the writer; the output
/// thread hands events to the sinks, never before the journal holds the input that caused them.</para>
/// <para>The writer never waits on a sink: it only copies events into a large output ring. Sinks are called on the
/// output thread and must not block (the gateway's sink queues per connection and drops a client that overruns).</para>
/// </remarks>
public sealed class EnginePipeline : IDisposable
{
    private readonly RingBuffer<EngineCommand> _input;
    private readonly RingBuffer<EngineEvent> _output;
    private readonly BatchEventProcessor<EngineCommand, WriterHandler> _writer;
    private readonly BatchEventProcessor<EngineEvent, OutputHandler> _dispatcher;
    private readonly WriterContext _context;
    private readonly List<IEngineEventSink> _sinks = [];
    private BatchEventProcessor<EngineCommand, JournalHandler>? _journalStage;
    private readonly long _base;
    private volatile bool _accepting;
    private bool _started;

    /// <summary>Builds the pipeline over fresh state, or over state recovered from a snapshot and journal.</summary>
    public EnginePipeline(InstrumentCatalog catalog, EngineOptions options, EngineState? recovered = null)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        EngineState state = recovered ?? new EngineState(catalog, options.PositionCapacity, options.AccountCapacity, options.OpenOrderCapacity);
        state.OrderWindow.Resize(options.OrderWindowCapacity);
        _input = options.MultiProducer
            ? RingBuffer<EngineCommand>.CreateMultiProducer(options.RingSize, WaitStrategies.Create(options.WaitStrategy))
            : RingBuffer<EngineCommand>.CreateSingleProducer(options.RingSize, WaitStrategies.Create(options.WaitStrategy));
        _output = RingBuffer<EngineEvent>.CreateSingleProducer(options.OutputRingSize, WaitStrategies.Create(options.WaitStrategy));
        _context = new WriterContext(new OutputRingSink(_output), _sinks);
        Core = new EngineCore(state, _context.Sink);
        _context.Core = Core;
        _context.StageStopped = OnStageStopped;
        StateGauges = new EngineStateGauges(state.Books.InsuranceFund.Length);
        StateGauges.Publish(state);
        _context.Gauges = StateGauges;
        // Ring sequences restart at 0 in every process; engine sequences continue where recovery left off,
        // so journal and event sequences stay contiguous across restarts.
        _base = state.LastSequence + 1;
        _context.Base = _base;
        _writer = new BatchEventProcessor<EngineCommand, WriterHandler>(_input, _input.NewBarrier(), new WriterHandler(_context));
        _dispatcher = new BatchEventProcessor<EngineEvent, OutputHandler>(_output, _output.NewBarrier(), new OutputHandler(_context));
        _output.AddGatingSequences(_dispatcher.Sequence);
    }

    /// <summary>The options the pipeline was built with.</summary>
    public EngineOptions Options { get; }

    /// <summary>The writer's logic and state. Touch only from the writer thread, or when stopped.</summary>
    public EngineCore Core { get; }

    /// <summary>Persists inputs; set before <see cref="Start"/>.</summary>
    public IInputJournal? Journal { get; set; }

    /// <summary>Called on the writer thread for a snapshot command, with the state consistent at that sequence.</summary>
    public Action<EngineState, long>? SnapshotRequested
    {
        get => Core.SnapshotRequested;
        set => Core.SnapshotRequested = value;
    }

    /// <summary>Last engine sequence claimed by a producer.</summary>
    public long PublishedSequence => _input.Cursor + _base;

    /// <summary>Last engine sequence the writer has applied.</summary>
    public long WriterSequence => _writer.Sequence.Value + _base;

    /// <summary>Last engine sequence the journal has flushed, or the writer's when there is no journal.</summary>
    public long JournalSequence => _context.JournalFlushed is { } flushed ? flushed.Value + _base : WriterSequence;

    /// <summary>Inputs published but not yet applied.</summary>
    public long RingLag => Math.Max(0, PublishedSequence - WriterSequence);

    /// <summary>Figures of the writer's state for other threads (metrics), copied out by the writer after each batch.</summary>
    public EngineStateGauges StateGauges { get; }

    /// <summary>Raised once by a stage that faulted, on that stage's thread right after it stopped: the stage
    /// (<c>writer</c>, <c>journal</c> or <c>output</c>) and its exception. The pipeline has already stopped taking
    /// input. Set before <see cref="Start"/>; the handler must not block (a daemon logs and begins to exit).</summary>
    public Action<string, Exception>? StageFaulted { get; set; }

    /// <summary>Bytes the writer thread has allocated since it started (0 on a healthy hot path).</summary>
    public long WriterAllocatedBytes => Volatile.Read(ref _context.WriterAllocatedBytes);

    /// <summary>The writer's or the output thread's fault, if either handler threw.</summary>
    public Exception? Fault => _writer.Fault ?? _dispatcher.Fault ?? _journalStage?.Fault;

    /// <summary>Adds a sink; its <see cref="IEngineEventSink.Emit"/> runs on the output thread. Before <see cref="Start"/> only.</summary>
    public void AddSink(IEngineEventSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_started)
        {
            throw new InvalidOperationException("Sinks must be added before Start.");
        }

        _sinks.Add(sink);
    }

    /// <summary>Starts the journal, writer and output threads (dedicated threads, never the thread pool).</summary>
    public void Start()
    {
        if (_started)
        {
            throw new InvalidOperationException("The pipeline is already started.");
        }

        _started = true;
        if (Journal is { } journal)
        {
            _context.JournalFlushed = new Sequence();
            _journalStage = new BatchEventProcessor<EngineCommand, JournalHandler>(_input, _input.NewBarrier(), new JournalHandler(journal, _base, _context.JournalFlushed, OnStageStopped));
            _context.JournalStage = _journalStage;
            _input.AddGatingSequences(_writer.Sequence, _journalStage.Sequence);
            _journalStage.Start("liq-journal");
        }
        else
        {
            _input.AddGatingSequences(_writer.Sequence);
        }

        _dispatcher.Start("liq-output");
        _writer.Start("liq-writer");
        _accepting = true;
    }

    /// <summary>Publishes one input. Thread-safe; waits while the ring is full (nothing is dropped).</summary>
    /// <returns>The input's ring sequence.</returns>
    /// <exception cref="InvalidOperationException">The pipeline is not accepting input (not started, or stopping).</exception>
    public long Publish(in EngineCommand command)
    {
        if (!_accepting)
        {
            throw new InvalidOperationException("The pipeline is not accepting input.");
        }

        long sequence = _input.Next();
        _input[sequence] = command;
        _input.Publish(sequence);
        return sequence + _base;
    }

    /// <summary>Publishes one input if there is room now; never waits.</summary>
    public bool TryPublish(in EngineCommand command, out long sequence)
    {
        if (!_accepting || !_input.TryNext(out sequence))
        {
            sequence = -1;
            return false;
        }

        _input[sequence] = command;
        _input.Publish(sequence);
        sequence += _base;
        return true;
    }

    /// <summary>Waits until the writer has applied <paramref name="sequence"/> and its events have reached the sinks.</summary>
    /// <returns>False on timeout or if a stage faulted.</returns>
    public bool WaitUntilApplied(long sequence, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        var spin = default(SpinWait);
        while (WriterSequence < sequence || JournalSequence < sequence || _dispatcher.Sequence.Value < _output.Cursor)
        {
            if (Fault is not null || clock.Elapsed > timeout)
            {
                return false;
            }

            spin.SpinOnce(sleep1Threshold: 30);
        }

        return true;
    }

    /// <summary>Stops intake, drains the ring through writer, journal and sinks, then stops the threads.</summary>
    /// <returns>True if everything drained within the timeout.</returns>
    public bool Stop(TimeSpan timeout)
    {
        _accepting = false;
        if (!_started)
        {
            return true;
        }

        var clock = Stopwatch.StartNew();
        bool drained = WaitUntilApplied(PublishedSequence, timeout);
        TimeSpan rest = timeout - clock.Elapsed;
        rest = rest < TimeSpan.Zero ? TimeSpan.Zero : rest;
        bool stopped = _writer.Stop(rest) & (_journalStage?.Stop(rest) ?? true) & _dispatcher.Stop(rest);
        return drained && stopped;
    }

    /// <inheritdoc/>
    public void Dispose() => Stop(TimeSpan.FromSeconds(10));

    /// <summary>Runs on a stage's thread when it stops; a faulted stage stops intake and raises <see cref="StageFaulted"/>.</summary>
    private void OnStageStopped(string stage)
    {
        Exception? fault = stage switch
        {
            "writer" => _writer.Fault,
            "output" => _dispatcher.Fault,
            _ => _journalStage?.Fault,
        };
        if (fault is null)
        {
            return;
        }

        // Nothing more may enter a ring that can no longer be applied, journaled or delivered.
        _accepting = false;
        StageFaulted?.Invoke(stage, fault);
    }

    /// <summary>State shared by the stage handlers (the handlers themselves are structs).</summary>
    private sealed class WriterContext(OutputRingSink sink, List<IEngineEventSink> sinks)
    {
        public readonly OutputRingSink Sink = sink;
        public readonly List<IEngineEventSink> Sinks = sinks;
        public EngineCore Core = null!;
        public long Base;
        public long WriterAllocatedBytes;
        public long AllocatedAtStart;
        public EngineStateGauges Gauges = null!;
        public Action<string> StageStopped = null!;

        /// <summary>Last ring sequence the journal has flushed (not merely appended); outputs gate on it.</summary>
        public Sequence? JournalFlushed;
        public BatchEventProcessor<EngineCommand, JournalHandler>? JournalStage;
    }

    private sealed class OutputRingSink(RingBuffer<EngineEvent> ring) : IEngineEventSink
    {
        public void Emit(in EngineEvent e)
        {
            long sequence = ring.Next();
            ring[sequence] = e;
            ring.Publish(sequence);
        }
    }

    private struct WriterHandler(WriterContext context) : IEventHandler<EngineCommand>
    {
        public readonly void OnEvent(ref EngineCommand data, long sequence, bool endOfBatch)
        {
            context.Core.Apply(ref data, sequence + context.Base);
            if (endOfBatch)
            {
                context.Gauges.Publish(context.Core.State);
                Volatile.Write(ref context.WriterAllocatedBytes, GC.GetAllocatedBytesForCurrentThread() - context.AllocatedAtStart);
            }
        }

        public readonly void OnStart() => context.AllocatedAtStart = GC.GetAllocatedBytesForCurrentThread();

        public readonly void OnShutdown() => context.StageStopped("writer");
    }

    internal readonly struct JournalHandler(IInputJournal journal, long sequenceBase, Sequence flushed, Action<string> stopped) : IEventHandler<EngineCommand>
    {
        public void OnShutdown() => stopped("journal");

        public void OnEvent(ref EngineCommand data, long sequence, bool endOfBatch)
        {
            if (data.Kind.IsJournaled())
            {
                journal.Append(data, sequence + sequenceBase);
            }

            // A batch of queries only is still "flushed": its replies may leave once what came before is on disk.
            if (endOfBatch)
            {
                journal.Flush();

                // Only what a completed flush covers may be released; a fault mid-batch leaves this behind.
                flushed.SetValue(sequence);
            }
        }
    }

    private readonly struct OutputHandler(WriterContext context) : IEventHandler<EngineEvent>
    {
        public void OnShutdown() => context.StageStopped("output");

        public void OnEvent(ref EngineEvent data, long sequence, bool endOfBatch)
        {
            // An event leaves only once the input that caused it is journaled. If the journal has failed, events
            // it did not flush are never released: a restart would not know them.
            if (context.JournalFlushed is { } flushed && flushed.Value + context.Base < data.InputSequence)
            {
                var spin = default(SpinWait);
                while (flushed.Value + context.Base < data.InputSequence)
                {
                    if (context.JournalStage?.Fault is not null)
                    {
                        return;
                    }

                    spin.SpinOnce(sleep1Threshold: 30);
                }
            }

            List<IEngineEventSink> sinks = context.Sinks;
            for (int i = 0; i < sinks.Count; i++)
            {
                sinks[i].Emit(data);
            }
        }
    }
}
