using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using LiquidationEngine.Contracts;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Gateway;

/// <summary>One client of the gateway: a receive loop that decodes frames into commands, and (after Hello) a send loop
/// that drains the connection's <see cref="OutboundBuffer"/> into the socket.</summary>
/// <remarks>
/// Lifetime, one path for every way a connection ends (client close, reset, protocol error, timeout, overrun, shutdown):
/// <see cref="Close"/> runs once — it unregisters the connection (so the output thread stops writing to it), frees its
/// slot and queues the closing Error; then <see cref="RunAsync"/>, the only owner of the socket and the buffers, waits
/// for the send loop (bounded), disposes the socket and returns the outbound buffer to its pool.
/// </remarks>
internal sealed class GatewayConnection : IDisposable
{
    private readonly GatewayServer _server;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _receiveStop = new();
    private readonly CancellationTokenSource _sendAbort = new();

    /// <summary>Guards the close decision against Hello registration and the send-loop task handed to <see cref="RunAsync"/>.</summary>
    private readonly object _closeLock = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _sendLoop = Task.CompletedTask;

    /// <summary>How long the send loop, having sent everything, waits for the peer to close after our FIN; below the
    /// default close grace, so a peer that never closes is not aborted with its replies unread.</summary>
    private static readonly TimeSpan LingerTimeout = TimeSpan.FromMilliseconds(750);

    /// <summary>How long <see cref="RunAsync"/> lets the send loop flush after the close before aborting the socket.</summary>
    private TimeSpan _closeGrace = TimeSpan.FromSeconds(1);
    private bool _isClosed;

    /// <summary><see cref="_isClosed"/> for readers outside the lock.</summary>
    private volatile bool _isClosedVolatile;
    private volatile bool _helloDone;

    /// <summary>Set when intake stopped: the connection stops reading but stays registered until <see cref="CloseAfterFlushAsync"/>.</summary>
    private volatile bool _draining;

    /// <summary><see cref="Environment.TickCount64"/> of the last whole frame received (the idle clock).</summary>
    private long _lastFrameAt;

    /// <summary>Engine sequence of this connection's last published command (-1: none); written by the receive loop.</summary>
    private long _lastPublished = -1;

    /// <summary>Highest input sequence a reply to this connection was queued for; written by the output thread.</summary>
    private long _lastReplied = -1;

    public GatewayConnection(GatewayServer server, int sourceId, Socket socket)
    {
        _server = server;
        _socket = socket;
        SourceId = sourceId;
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
        AcceptedAt = Environment.TickCount64;
        _lastFrameAt = AcceptedAt;
    }

    /// <summary>The engine source id of this connection's commands.</summary>
    public int SourceId { get; }

    /// <summary>Remote endpoint text, for logs.</summary>
    public string Remote { get; }

    /// <summary><see cref="Environment.TickCount64"/> at accept (the Hello clock).</summary>
    public long AcceptedAt { get; }

    /// <summary>Frames waiting to be sent; bounded. Null until Hello (nothing is sent before it but a closing Error).</summary>
    public OutboundBuffer? Outbox { get; private set; }

    /// <summary>True once Hello was accepted.</summary>
    public bool IsAuthenticated => _helloDone;

    /// <summary>True once intake stopped for this connection.</summary>
    public bool IsDraining => _draining;

    /// <summary>Milliseconds since the last whole frame arrived.</summary>
    public long IdleMs => Environment.TickCount64 - Volatile.Read(ref _lastFrameAt);

    /// <summary>Called on the output thread after a reply to this connection was queued.</summary>
    public void Replied(long inputSequence)
    {
        if (inputSequence > Volatile.Read(ref _lastReplied))
        {
            Volatile.Write(ref _lastReplied, inputSequence);
        }
    }

    /// <summary>Completes when the socket is disposed and the buffers are back in their pools.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public void Start() => Completion = Task.Run(RunAsync);

    /// <summary>Stops decoding further frames (intake stopped); already-published commands still get their replies,
    /// and the connection stays registered until <see cref="CloseAfterFlushAsync"/>.</summary>
    public void StopReceiving()
    {
        _draining = true;
        Cancel(_receiveStop);
    }

    /// <summary>Sends <paramref name="reason"/> (best effort) and closes: protocol errors, overruns, timeouts. Never throws.</summary>
    public void Fail(ProtocolError reason, byte offendingType = 0, long clientSequence = 0) => Close(reason, offendingType, clientSequence);

    /// <summary>Lets the send loop drain what is queued (up to <paramref name="grace"/>), tells the client why, and closes.</summary>
    public Task CloseAfterFlushAsync(ProtocolError reason, TimeSpan grace)
    {
        lock (_closeLock)
        {
            _closeGrace = grace;
        }

        Close(reason, 0, 0);
        return Completion;
    }

    /// <summary>Closes the socket at once.</summary>
    public void Abort()
    {
        Cancel(_sendAbort);
        Cancel(_receiveStop);
        try
        {
            _socket.Close(0);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>The one close path. Idempotent and thread-safe; may run on the output thread, so it never blocks on I/O and never throws.</summary>
    private void Close(ProtocolError reason, byte offendingType, long clientSequence)
    {
        lock (_closeLock)
        {
            if (_isClosed)
            {
                return;
            }

            _isClosed = true;
            _isClosedVolatile = true;

            // From here on the output thread cannot reach this connection, and its slot is free.
            _server.Unregister(this);
            byte[]? error = reason == ProtocolError.None ? null : new ErrorMessage(reason, true, offendingType, clientSequence).ToFrame();
            if (Outbox is { } outbox)
            {
                if (reason == ProtocolError.OutboundOverrun)
                {
                    // The client is not reading: what is queued will never be read either. Keep only the reason.
                    outbox.Clear();
                }

                if (error is not null)
                {
                    outbox.TryEnqueue(error);
                }

                outbox.Close();
            }
            else if (error is not null)
            {
                _sendLoop = WriteDirectAsync(error);
            }

            _closed.TrySetResult();
        }

        Cancel(_receiveStop);
        _server.Observer?.ConnectionClosed(SourceId, Remote, reason);
    }

    private static void Cancel(CancellationTokenSource cts)
    {
        try
        {
            cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
        catch (AggregateException)
        {
            // A registered callback threw; the token is cancelled anyway.
        }
    }

    /// <summary>Owns the connection from accept to the last byte: receive, close, flush, dispose.</summary>
    private async Task RunAsync()
    {
        int maxBody = _server.Options.MaxBodyBytes;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Max(4096, 2 * (FrameCodec.Overhead + maxBody)));
        ProtocolError end;
        try
        {
            end = await ReceiveLoopAsync(buffer, maxBody).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException or IOException)
        {
            end = ProtocolError.None;
        }
#pragma warning disable CA1031 // A bug in one connection must end that connection only, never the process or its neighbours.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _server.Observer?.ConnectionFaulted(SourceId, Remote, ex);
            end = ProtocolError.None;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (_draining)
        {
            // Intake stopped: keep sending acks and events until the gateway closes everyone after the pipeline drained.
            await _closed.Task.ConfigureAwait(false);
        }
        else if (end is ProtocolError.None or ProtocolError.TruncatedFrame && _helloDone)
        {
            await RepliesCaughtUpAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }

        Close(end, 0, 0);
        Task sendLoop;
        TimeSpan grace;
        lock (_closeLock)
        {
            sendLoop = _sendLoop;
            grace = _closeGrace;
        }

        try
        {
            await sendLoop.WaitAsync(grace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A client that does not read may never let the send loop finish.
            Abort();
        }

        await sendLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _socket.Dispose();
        Outbox?.Release();
        Dispose();
        _server.Forget(this);
    }

    /// <summary>Disposes the cancellation sources; called by <see cref="RunAsync"/> once nothing waits on them.</summary>
    public void Dispose()
    {
        _receiveStop.Dispose();
        _sendAbort.Dispose();
    }

    /// <summary>After the client half-closed: waits (bounded) until the replies to every command it sent are queued,
    /// so the closing frame comes after them. Polls: this is a once-per-connection wait, not a hot path.</summary>
    private async Task RepliesCaughtUpAsync(TimeSpan limit)
    {
        long deadline = Environment.TickCount64 + (long)limit.TotalMilliseconds;
        while (!_isClosedVolatile && Volatile.Read(ref _lastReplied) < Volatile.Read(ref _lastPublished) && Environment.TickCount64 < deadline)
        {
            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>Reads frames until the stream ends or the connection closes; returns the reason to close with.</summary>
    private async Task<ProtocolError> ReceiveLoopAsync(byte[] buffer, int maxBody)
    {
        int filled = 0;
        CancellationToken stop = _receiveStop.Token;
        while (true)
        {
            int n = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, stop).ConfigureAwait(false);
            if (n == 0)
            {
                // The client closed its side; a partial frame is reported (it can still read) and dropped.
                return filled > 0 ? ProtocolError.TruncatedFrame : ProtocolError.None;
            }

            filled += n;
            int consumed = 0;
            while (true)
            {
                FrameParseStatus status = FrameCodec.TryParse(buffer.AsSpan(consumed, filled - consumed), maxBody, out MessageType type, out ReadOnlySpan<byte> body, out int length, out ProtocolError error);
                if (status == FrameParseStatus.NeedMore)
                {
                    break;
                }

                if (status == FrameParseStatus.Invalid)
                {
                    Reject(error, 0, 0);
                    return error;
                }

                Volatile.Write(ref _lastFrameAt, Environment.TickCount64);
                if (!Handle(type, body))
                {
                    return ProtocolError.None;
                }

                consumed += length;
            }

            if (consumed > 0)
            {
                buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                filled -= consumed;
            }
        }
    }

    /// <summary>Handles one valid frame; false when the connection stops reading (closing or draining).</summary>
    private bool Handle(MessageType type, ReadOnlySpan<byte> body)
    {
        if (!_helloDone)
        {
            return HandleHello(type, body);
        }

        if (type == MessageType.Hello)
        {
            Reject(ProtocolError.HelloRequired, (byte)type, 0);
            return false;
        }

        if (type == MessageType.Heartbeat)
        {
            return HandleHeartbeat(body);
        }

        ProtocolError decode = CommandCodec.TryRead(type, body, out EngineCommand command);
        if (decode != ProtocolError.None)
        {
            long clientSequence = body.Length >= 8 ? BinaryPrimitives.ReadInt64LittleEndian(body) : 0;
            Reject(decode, (byte)type, clientSequence);
            return !decode.ClosesConnection();
        }

        command.SourceId = SourceId;
        if (command.TimestampUs == 0)
        {
            command.TimestampUs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;
        }

        if (_server.TryPublish(ref command, out long sequence))
        {
            Volatile.Write(ref _lastPublished, sequence);
        }
        else
        {
            // Intake stopped: this frame was not applied and gets no ack. Stop reading, but stay registered so the
            // acks and events of everything already in the ring still reach the client before ShuttingDown.
            _draining = true;
            return false;
        }

        return true;
    }

    private bool HandleHello(MessageType type, ReadOnlySpan<byte> body)
    {
        if (type != MessageType.Hello)
        {
            Reject(ProtocolError.HelloRequired, (byte)type, 0);
            return false;
        }

        ProtocolError error = HelloMessage.TryRead(body, out HelloMessage hello);
        if (error != ProtocolError.None)
        {
            Reject(error, (byte)type, 0, forceClose: true);
            return false;
        }

        if (!_server.Authenticates(hello.Secret.Span))
        {
            Reject(ProtocolError.AuthenticationFailed, (byte)type, 0);
            return false;
        }

        ProtocolError refused;
        int replayed = 0;
        bool gap = false;
        lock (_closeLock)
        {
            if (_isClosed)
            {
                return false;
            }

            // The buffer exists before the connection joins the broadcast list, so the output thread always finds it.
            var outbox = new OutboundBuffer(_server.Options.OutboundBufferBytes, _server.BufferPool);
            Outbox = outbox;
            refused = _server.Register(this, hello.LastSeenEventSequence, out List<byte[]>? prelude, out replayed, out gap);
            if (refused == ProtocolError.None)
            {
                _helloDone = true;
                _sendLoop = Task.Run(() => SendLoopAsync(outbox, prelude!));
            }
            else
            {
                Outbox = null;
                outbox.Release();
            }
        }

        if (refused != ProtocolError.None)
        {
            Reject(refused, (byte)type, 0);
            return false;
        }

        _server.Observer?.ConnectionOpened(SourceId, Remote, hello.LastSeenEventSequence, replayed, gap);
        return true;
    }

    private bool HandleHeartbeat(ReadOnlySpan<byte> body)
    {
        ProtocolError error = HeartbeatMessage.TryRead(body, out HeartbeatMessage heartbeat);
        if (error != ProtocolError.None)
        {
            Reject(error, (byte)MessageType.Heartbeat, 0);
            return !error.ClosesConnection();
        }

        Span<byte> frame = stackalloc byte[FrameCodec.Overhead + HeartbeatMessage.BodySize];
        int n = heartbeat.WriteFrame(frame, MessageType.HeartbeatAck);
        if (!Outbox!.TryEnqueue(frame[..n]))
        {
            Fail(ProtocolError.OutboundOverrun);
            return false;
        }

        return true;
    }

    /// <summary>Tells the client a frame was rejected; closes the connection when the error requires it.</summary>
    private void Reject(ProtocolError reason, byte type, long clientSequence, bool forceClose = false)
    {
        _server.Observer?.FrameRejected(SourceId, Remote, reason, type);
        if (reason.ClosesConnection() || forceClose || !_helloDone)
        {
            Fail(reason, type, clientSequence);
            return;
        }

        if (!Outbox!.TryEnqueue(new ErrorMessage(reason, false, type, clientSequence).ToFrame()))
        {
            Fail(ProtocolError.OutboundOverrun);
        }
    }

    /// <summary>Before Hello there is no send loop: a closing Error goes straight to the socket, bounded in time.</summary>
    private async Task WriteDirectAsync(byte[] frame)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await _socket.SendAsync(frame, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            _socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private async Task SendLoopAsync(OutboundBuffer outbox, List<byte[]> prelude)
    {
        CancellationToken abort = _sendAbort.Token;
        byte[] chunk = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            foreach (byte[] frame in prelude)
            {
                await _socket.SendAsync(frame, SocketFlags.None, abort).ConfigureAwait(false);
            }

            while (true)
            {
                // Read "closed" before dequeuing: frames queued before Close are then certain to be seen.
                bool closed = outbox.IsClosed;
                int n = outbox.Dequeue(chunk);
                if (n > 0)
                {
                    int sent = 0;
                    while (sent < n)
                    {
                        sent += await _socket.SendAsync(chunk.AsMemory(sent, n - sent), SocketFlags.None, abort).ConfigureAwait(false);
                    }

                    continue;
                }

                if (closed)
                {
                    break;
                }

                await outbox.WaitAsync(abort).ConfigureAwait(false);
            }

            // FIN after the last frame, then discard what the peer still sends until it closes too (bounded): closing
            // with unread input sends a reset, and a reset makes the peer's kernel drop replies it has not read yet,
            // such as the last acks and the ShuttingDown error of a client still streaming at SIGTERM.
            _socket.Shutdown(SocketShutdown.Send);
            using var linger = CancellationTokenSource.CreateLinkedTokenSource(abort);
            linger.CancelAfter(LingerTimeout);
            while (await _socket.ReceiveAsync(chunk, SocketFlags.None, linger.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        // The peer went away (or we finished): make sure the close path has run, so the receive loop ends too.
        Close(ProtocolError.None, 0, 0);
    }
}
