using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using LiquidationEngine.Contracts;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Gateway;

/// <summary>
/// The matching engine's TCP gateway: accepts connections, decodes frames into commands for the ring, and routes the
/// engine's output events back — acks, rejects and query replies to the connection that sent the command, orders and
/// settlements to every connection (and into the <see cref="OrderLog"/> for clients that resume).
/// </summary>
/// <remarks>
/// Threads: one accept loop, one deadline sweep, and per connection one receive loop and one send loop (thread-pool
/// tasks). <see cref="Emit"/> runs on the pipeline's output thread and never blocks: it copies frames into bounded
/// per-connection buffers and disconnects a client whose buffer is full; nothing a connection does can throw into it.
/// A connection is <em>pending</em> from accept until its Hello (bounded by <see cref="GatewayOptions.MaxPendingConnections"/>
/// and <see cref="GatewayOptions.HelloTimeoutSeconds"/>, no buffer of its own yet), then <em>live</em> (one of
/// <see cref="GatewayOptions.MaxConnections"/> slots, an outbound buffer from <see cref="BufferPool"/>).
/// </remarks>
public sealed class GatewayServer : IEngineEventSink, IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly ICommandPublisher _publisher;
    private readonly IGatewayObserver? _observer;
    private readonly byte[] _secret;

    /// <summary>Live (authenticated) connections by source id: reply routing, and the slots. Changed under <see cref="_logLock"/>.</summary>
    private readonly ConcurrentDictionary<int, GatewayConnection> _connections = new();

    /// <summary>Connections accepted that have not said Hello yet (at most <see cref="GatewayOptions.MaxPendingConnections"/>).</summary>
    private readonly ConcurrentDictionary<int, GatewayConnection> _pending = new();

    /// <summary>Every connection whose socket is still open, until its <see cref="GatewayConnection.Completion"/>.</summary>
    private readonly ConcurrentDictionary<int, GatewayConnection> _all = new();

    /// <summary>Guards <see cref="_log"/>, <see cref="_live"/> and the membership of <see cref="_connections"/>
    /// together, so a resume sees every order exactly once and the slot count is exact.</summary>
    private readonly object _logLock = new();
    private readonly OrderLog _log;
    private readonly List<GatewayConnection> _live = [];
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private Task _sweepLoop = Task.CompletedTask;
    private int _nextSourceId;
    private int _intakeStopped;
    private int _inflight;

    /// <summary>Creates a gateway; call <see cref="Start"/> to listen.</summary>
    public GatewayServer(GatewayOptions options, ICommandPublisher publisher, IGatewayObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(publisher);
        _options = options;
        _publisher = publisher;
        _observer = observer;
        _secret = string.IsNullOrEmpty(options.SharedSecret) ? [] : Encoding.UTF8.GetBytes(options.SharedSecret);
        _log = new OrderLog(options.OrderLogCapacity);

        // Keeps up to MaxConnections idle buffers; more are left to the GC. Nothing is rented before a Hello.
        BufferPool = ArrayPool<byte>.Create(options.OutboundBufferBytes, Math.Min(options.MaxConnections, 64));
    }

    /// <summary>Where live connections rent their outbound buffers, and return them at close.</summary>
    internal ArrayPool<byte> BufferPool { get; }

    /// <summary>The bound endpoint once started.</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndpoint as IPEndPoint;

    /// <summary>Live connections now: said Hello, not closed yet (what <c>liqengine_gateway_connections</c> shows).</summary>
    public int ConnectionCount => _connections.Count;

    /// <summary>Connections accepted that have not said Hello yet.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Sockets open now, in any state (pending, live, closing).</summary>
    public int OpenSocketCount => _all.Count;

    /// <summary>The options in force.</summary>
    internal GatewayOptions Options => _options;

    internal IGatewayObserver? Observer => _observer;

    /// <summary>Orders and settlements held for resuming clients (count, window).</summary>
    public (int Count, long Oldest, long Newest, long CompleteAfter) OrderLogWindow
    {
        get
        {
            lock (_logLock)
            {
                return (_log.Count, _log.Oldest, _log.Newest, _log.CompleteAfter);
            }
        }
    }

    /// <summary>Declares that orders at or below an event sequence could not be reproduced by recovery.</summary>
    public void MarkOrderLogCompleteAfter(long eventSequence)
    {
        lock (_logLock)
        {
            _log.MarkCompleteAfter(eventSequence);
        }
    }

    /// <summary>Binds and starts accepting.</summary>
    public void Start()
    {
        var listener = new TcpListener(IPAddress.Parse(_options.Address), _options.Port);
        listener.Server.NoDelay = true;
        listener.Start(128);
        _listener = listener;
        _acceptLoop = Task.Run(AcceptLoopAsync);
        _sweepLoop = Task.Run(SweepLoopAsync);
    }

    /// <summary>Routes one output event. Called on the output thread (or by recovery before <see cref="Start"/>).</summary>
    public void Emit(in EngineEvent e)
    {
        if (e.Kind.IsBroadcast())
        {
            byte[] frame = EventCodec.ToFrame(e);
            List<GatewayConnection>? overrun = null;
            lock (_logLock)
            {
                _log.Append(e.EventSequence, frame);
                foreach (GatewayConnection c in _live)
                {
                    // Every live connection has its buffer (set before it joins _live); a closing one refuses.
                    if (c.Outbox?.TryEnqueue(frame) != true)
                    {
                        (overrun ??= []).Add(c);
                    }
                }
            }

            if (overrun is not null)
            {
                foreach (GatewayConnection c in overrun)
                {
                    c.Fail(ProtocolError.OutboundOverrun);
                }
            }

            return;
        }

        if (e.SourceId <= 0 || e.Kind is EventKind.None || !_connections.TryGetValue(e.SourceId, out GatewayConnection? conn))
        {
            return;
        }

        // The connection may close between the lookup and the enqueue: its buffer then refuses (never throws), and
        // Fail is a no-op on a closed connection.
        Span<byte> scratch = stackalloc byte[FrameCodec.Overhead + FrameCodec.LargestBody];
        int n = EventCodec.WriteFrame(e, scratch);
        if (conn.Outbox?.TryEnqueue(scratch[..n]) != true)
        {
            conn.Fail(ProtocolError.OutboundOverrun);
            return;
        }

        conn.Replied(e.InputSequence);
    }

    /// <summary>Stops intake: no new connections, no more commands into the ring. Waits for commands being published.</summary>
    public async Task StopIntakeAsync(TimeSpan timeout)
    {
        if (Interlocked.Exchange(ref _intakeStopped, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.Stop();
        foreach (GatewayConnection c in _pending.Values)
        {
            c.Fail(ProtocolError.ShuttingDown);
        }

        foreach (GatewayConnection c in _connections.Values)
        {
            c.StopReceiving();
        }

        DateTime deadline = DateTime.UtcNow + timeout;
        while (Volatile.Read(ref _inflight) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1).ConfigureAwait(false);
        }

        await _acceptLoop.ConfigureAwait(false);
    }

    /// <summary>Closes every connection after sending what is queued for it (call once the pipeline has drained):
    /// each gets the acks and events already routed to it, then <see cref="ProtocolError.ShuttingDown"/>.</summary>
    public async Task CloseAllAsync(TimeSpan timeout)
    {
        var closing = new List<Task>();
        foreach (GatewayConnection c in _all.Values)
        {
            closing.Add(c.CloseAfterFlushAsync(ProtocolError.ShuttingDown, timeout));
        }

        Task all = Task.WhenAll(closing);
        if (await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false) != all)
        {
            foreach (GatewayConnection c in _all.Values)
            {
                c.Abort();
            }
        }

        await _sweepLoop.ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopIntakeAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        foreach (GatewayConnection c in _all.Values)
        {
            c.Fail(ProtocolError.ShuttingDown);
            c.Abort();
        }

        await _sweepLoop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Accepts until intake stops. Nothing that goes wrong with one accept (a reset before accept, out of
    /// file descriptors, out of memory for one connection) ends the loop: it is reported and accepting goes on.</summary>
    private async Task AcceptLoopAsync()
    {
        TcpListener listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                Socket socket = await listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
                Admit(socket);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The accept loop must never die: report and go on.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _observer?.AcceptFailed(ex);

                // Out of descriptors or memory: give the closing connections a moment rather than spin.
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Takes an accepted socket as a pending connection, making room by closing the oldest pending one.</summary>
    private void Admit(Socket socket)
    {
        GatewayConnection conn;
        try
        {
            socket.NoDelay = true;
            if (_options.SocketSendBufferBytes > 0)
            {
                socket.SendBufferSize = _options.SocketSendBufferBytes;
            }

            conn = new GatewayConnection(this, Interlocked.Increment(ref _nextSourceId), socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        while (_pending.Count >= _options.MaxPendingConnections)
        {
            GatewayConnection? oldest = null;
            foreach (GatewayConnection p in _pending.Values)
            {
                if (oldest is null || p.AcceptedAt < oldest.AcceptedAt)
                {
                    oldest = p;
                }
            }

            if (oldest is null)
            {
                break;
            }

            oldest.Fail(ProtocolError.TooManyConnections);
            _pending.TryRemove(oldest.SourceId, out _);
        }

        _all[conn.SourceId] = conn;
        _pending[conn.SourceId] = conn;
        conn.Start();
    }

    /// <summary>Closes connections past their Hello deadline and live ones idle past the idle timeout.</summary>
    private async Task SweepLoopAsync()
    {
        long helloMs = (long)(_options.HelloTimeoutSeconds * 1000);
        long idleMs = (long)(_options.IdleTimeoutSeconds * 1000);
        long period = Math.Clamp(Math.Min(helloMs, idleMs > 0 ? idleMs : long.MaxValue) / 4, 10, 1000);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(period));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                long now = Environment.TickCount64;
                foreach (GatewayConnection c in _pending.Values)
                {
                    if (now - c.AcceptedAt > helloMs)
                    {
                        c.Fail(ProtocolError.HelloTimeout);
                    }
                }

                if (idleMs <= 0)
                {
                    continue;
                }

                foreach (GatewayConnection c in _connections.Values)
                {
                    if (!c.IsDraining && c.IdleMs > idleMs)
                    {
                        c.Fail(ProtocolError.IdleTimeout);
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Checks the Hello secret in constant time.</summary>
    internal bool Authenticates(ReadOnlySpan<byte> secret) => _secret.Length == 0 || CryptographicOperations.FixedTimeEquals(secret, _secret);

    /// <summary>Makes a connection live, atomically: takes a slot, builds the Welcome and the replay, and adds it to
    /// the broadcast list. Refuses with <see cref="ProtocolError.TooManyConnections"/> when every slot is taken.</summary>
    internal ProtocolError Register(GatewayConnection conn, long lastSeen, out List<byte[]>? prelude, out int replayed, out bool gap)
    {
        _pending.TryRemove(conn.SourceId, out _);
        lock (_logLock)
        {
            gap = false;
            if (_connections.Count >= _options.MaxConnections)
            {
                prelude = null;
                replayed = 0;
                return ProtocolError.TooManyConnections;
            }

            List<byte[]> replay = lastSeen < 0 ? [] : _log.After(lastSeen, out gap);
            var welcome = new byte[FrameCodec.Overhead + WelcomeMessage.BodySize];
            new WelcomeMessage(conn.SourceId, _log.Newest, _log.Oldest, replay.Count, gap, _options.MaxBodyBytes).WriteFrame(welcome);
            replay.Insert(0, welcome);
            replayed = replay.Count - 1;
            prelude = replay;
            _connections[conn.SourceId] = conn;
            _live.Add(conn);
            return ProtocolError.None;
        }
    }

    /// <summary>Publishes a command from a connection unless intake has stopped.</summary>
    internal bool TryPublish(ref EngineCommand command, out long sequence)
    {
        sequence = -1;
        if (Volatile.Read(ref _intakeStopped) != 0)
        {
            return false;
        }

        Interlocked.Increment(ref _inflight);
        try
        {
            if (Volatile.Read(ref _intakeStopped) != 0)
            {
                return false;
            }

            sequence = _publisher.Publish(command);
            _observer?.CommandPublished(command, sequence);
            return true;
        }
        catch (InvalidOperationException)
        {
            // The pipeline stopped taking input.
            return false;
        }
        finally
        {
            Interlocked.Decrement(ref _inflight);
        }
    }

    /// <summary>Takes a closing connection off every list the output thread reads, and frees its slot.</summary>
    internal void Unregister(GatewayConnection conn)
    {
        _pending.TryRemove(conn.SourceId, out _);
        lock (_logLock)
        {
            _connections.TryRemove(conn.SourceId, out _);
            _live.Remove(conn);
        }
    }

    /// <summary>Forgets a connection whose socket is disposed.</summary>
    internal void Forget(GatewayConnection conn) => _all.TryRemove(conn.SourceId, out _);
}
