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
/// Threads: one accept loop, and per connection one receive loop and one send loop (thread-pool tasks). <see cref="Emit"/>
/// runs on the pipeline's output thread and never blocks: it copies frames into bounded per-connection buffers and
/// disconnects a client whose buffer is full.
/// </remarks>
public sealed class GatewayServer : IEngineEventSink, IAsyncDisposable
{
    private readonly GatewayOptions _options;
    private readonly ICommandPublisher _publisher;
    private readonly IGatewayObserver? _observer;
    private readonly byte[] _secret;
    private readonly ConcurrentDictionary<int, GatewayConnection> _connections = new();

    /// <summary>Guards <see cref="_log"/> and <see cref="_live"/> together, so a resume sees every order exactly once.</summary>
    private readonly object _logLock = new();
    private readonly OrderLog _log;
    private readonly List<GatewayConnection> _live = [];
    private readonly CancellationTokenSource _stopping = new();
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
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
    }

    /// <summary>The bound endpoint once started.</summary>
    public IPEndPoint? LocalEndPoint => _listener?.LocalEndpoint as IPEndPoint;

    /// <summary>Connections open now.</summary>
    public int ConnectionCount => _connections.Count;

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
                    if (!c.Outbox.TryEnqueue(frame))
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

        Span<byte> scratch = stackalloc byte[FrameCodec.Overhead + FrameCodec.LargestBody];
        int n = EventCodec.WriteFrame(e, scratch);
        if (!conn.Outbox.TryEnqueue(scratch[..n]))
        {
            conn.Fail(ProtocolError.OutboundOverrun);
        }
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

    /// <summary>Closes every connection after sending what is queued for it (call once the pipeline has drained).</summary>
    public async Task CloseAllAsync(TimeSpan timeout)
    {
        var closing = new List<Task>();
        foreach (GatewayConnection c in _connections.Values)
        {
            closing.Add(c.CloseAfterFlushAsync(ProtocolError.ShuttingDown));
        }

        Task all = Task.WhenAll(closing);
        if (await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false) != all)
        {
            foreach (GatewayConnection c in _connections.Values)
            {
                c.Abort();
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopIntakeAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        foreach (GatewayConnection c in _connections.Values)
        {
            c.Abort();
        }

        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        TcpListener listener = _listener!;
        while (!_stopping.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            socket.NoDelay = true;
            if (_options.SocketSendBufferBytes > 0)
            {
                socket.SendBufferSize = _options.SocketSendBufferBytes;
            }

            int id = Interlocked.Increment(ref _nextSourceId);
            var conn = new GatewayConnection(this, id, socket);
            if (_connections.Count >= _options.MaxConnections)
            {
                _observer?.ConnectionClosed(id, conn.Remote, ProtocolError.TooManyConnections);
                _ = conn.RejectAndCloseAsync(ProtocolError.TooManyConnections);
                continue;
            }

            _connections[id] = conn;
            conn.Start();
        }
    }

    /// <summary>Checks the Hello secret in constant time.</summary>
    internal bool Authenticates(ReadOnlySpan<byte> secret) => _secret.Length == 0 || CryptographicOperations.FixedTimeEquals(secret, _secret);

    /// <summary>Makes a connection live: queues the Welcome and the replay and adds it to the broadcast list, atomically.</summary>
    internal (List<byte[]> Prelude, int Replayed, bool Gap) Register(GatewayConnection conn, long lastSeen)
    {
        lock (_logLock)
        {
            bool hasGap = false;
            List<byte[]> replay = lastSeen < 0 ? [] : _log.After(lastSeen, out hasGap);
            var welcome = new byte[FrameCodec.Overhead + WelcomeMessage.BodySize];
            new WelcomeMessage(conn.SourceId, _log.Newest, _log.Oldest, replay.Count, hasGap, _options.MaxBodyBytes).WriteFrame(welcome);
            replay.Insert(0, welcome);
            _live.Add(conn);
            return (replay, replay.Count - 1, hasGap);
        }
    }

    /// <summary>Publishes a command from a connection unless intake has stopped.</summary>
    internal bool TryPublish(ref EngineCommand command)
    {
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

            long sequence = _publisher.Publish(command);
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

    /// <summary>Forgets a connection (it stops receiving broadcasts and replies).</summary>
    internal void Unregister(GatewayConnection conn)
    {
        _connections.TryRemove(conn.SourceId, out _);
        lock (_logLock)
        {
            _live.Remove(conn);
        }
    }
}
