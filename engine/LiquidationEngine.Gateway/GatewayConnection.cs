using System.Buffers.Binary;
using System.Net.Sockets;
using LiquidationEngine.Contracts;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Gateway;

/// <summary>One client of the gateway: a receive loop that decodes frames into commands, and a send loop that drains
/// the connection's <see cref="OutboundBuffer"/> into the socket.</summary>
internal sealed class GatewayConnection : IDisposable
{
    private readonly GatewayServer _server;
    private readonly Socket _socket;
    private readonly CancellationTokenSource _receiveStop = new();
    private readonly CancellationTokenSource _abort = new();
    private Task _sendLoop = Task.CompletedTask;
    private Task _receiveLoop = Task.CompletedTask;
    private int _closed;
    private bool _helloDone;

    public GatewayConnection(GatewayServer server, int sourceId, Socket socket)
    {
        _server = server;
        _socket = socket;
        SourceId = sourceId;
        Remote = socket.RemoteEndPoint?.ToString() ?? "?";
        Outbox = new OutboundBuffer(server.Options.OutboundBufferBytes);
    }

    /// <summary>The engine source id of this connection's commands.</summary>
    public int SourceId { get; }

    /// <summary>Remote endpoint text, for logs.</summary>
    public string Remote { get; }

    /// <summary>Frames waiting to be sent; bounded.</summary>
    public OutboundBuffer Outbox { get; }

    public void Start() => _receiveLoop = Task.Run(ReceiveLoopAsync);

    /// <summary>Stops decoding further frames (intake stopped); already-published commands still get their replies.</summary>
    public void StopReceiving() => _receiveStop.Cancel();

    /// <summary>Sends <paramref name="reason"/> (best effort) and closes: used for fatal protocol errors and overruns.</summary>
    public void Fail(ProtocolError reason, byte offendingType = 0, long clientSequence = 0)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 1)
        {
            return;
        }

        _server.Unregister(this);
        _receiveStop.Cancel();
        _server.Observer?.ConnectionClosed(SourceId, Remote, reason);
        if (reason == ProtocolError.OutboundOverrun)
        {
            // The client is not reading: what is queued will never be read either. Keep only the reason.
            Outbox.Clear();
        }

        byte[] error = new ErrorMessage(reason, true, offendingType, clientSequence).ToFrame();
        Outbox.TryEnqueue(error);
        Outbox.Close();
        if (!_helloDone)
        {
            _ = WriteDirectAndCloseAsync(error);
        }

        // A client that does not read may never let the send loop finish: abort after a grace period.
        _ = Task.Delay(TimeSpan.FromSeconds(1)).ContinueWith(_ => Abort(), TaskScheduler.Default);
    }

    /// <summary>Sends a closing error to a connection that was never started (e.g. over the connection limit).</summary>
    public Task RejectAndCloseAsync(ProtocolError reason)
    {
        Interlocked.Exchange(ref _closed, 1);
        return WriteDirectAndCloseAsync(new ErrorMessage(reason, true, 0, 0).ToFrame());
    }

    /// <summary>Lets the send loop drain what is queued, tells the client why, and closes.</summary>
    public async Task CloseAfterFlushAsync(ProtocolError reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _server.Unregister(this);
            _receiveStop.Cancel();
            Outbox.TryEnqueue(new ErrorMessage(reason, true, 0, 0).ToFrame());
            Outbox.Close();
            _server.Observer?.ConnectionClosed(SourceId, Remote, reason);
            if (!_helloDone)
            {
                Abort();
            }
        }

        await _sendLoop.ConfigureAwait(false);
    }

    /// <summary>Closes the socket at once.</summary>
    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _receiveStop.Dispose();
        _abort.Dispose();
    }

    private async Task WriteDirectAndCloseAsync(byte[] frame)
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
        finally
        {
            _socket.Dispose();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        int maxBody = _server.Options.MaxBodyBytes;
        byte[] buffer = new byte[Math.Max(4096, 2 * (FrameCodec.Overhead + maxBody))];
        int filled = 0;
        ProtocolError endReason = ProtocolError.None;
        try
        {
            while (true)
            {
                int n = await _socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _receiveStop.Token).ConfigureAwait(false);
                if (n == 0)
                {
                    endReason = filled > 0 ? ProtocolError.TruncatedFrame : ProtocolError.None;
                    break;
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
                        return;
                    }

                    if (!Handle(type, body))
                    {
                        return;
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
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            return;
        }

        // The client closed its side: flush what is queued for it, then close.
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _server.Unregister(this);
            _server.Observer?.ConnectionClosed(SourceId, Remote, endReason);
            Outbox.Close();
            if (!_helloDone)
            {
                Abort();
            }
        }
    }

    /// <summary>Handles one valid frame; false when the connection is closing.</summary>
    private bool Handle(MessageType type, ReadOnlySpan<byte> body)
    {
        if (!_helloDone)
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

            (List<byte[]> prelude, int replayed, bool gap) = _server.Register(this, hello.LastSeenEventSequence);
            _helloDone = true;
            _sendLoop = Task.Run(() => SendLoopAsync(prelude));
            _server.Observer?.ConnectionOpened(SourceId, Remote, hello.LastSeenEventSequence, replayed, gap);
            return true;
        }

        if (type == MessageType.Hello)
        {
            Reject(ProtocolError.HelloRequired, (byte)type, 0);
            return false;
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

        if (!_server.TryPublish(ref command))
        {
            Fail(ProtocolError.ShuttingDown, (byte)type, command.ClientSequence);
            return false;
        }

        return true;
    }

    /// <summary>Tells the client a frame was rejected; closes the connection when the error requires it.</summary>
    private void Reject(ProtocolError reason, byte type, long clientSequence, bool forceClose = false)
    {
        if (reason.ClosesConnection() || forceClose || !_helloDone)
        {
            _server.Observer?.FrameRejected(SourceId, Remote, reason, type);
            Fail(reason, type, clientSequence);
            return;
        }

        _server.Observer?.FrameRejected(SourceId, Remote, reason, type);
        if (!Outbox.TryEnqueue(new ErrorMessage(reason, false, type, clientSequence).ToFrame()))
        {
            Fail(ProtocolError.OutboundOverrun);
        }
    }

    private async Task SendLoopAsync(List<byte[]> prelude)
    {
        CancellationToken abort = _abort.Token;
        byte[] chunk = new byte[64 * 1024];
        try
        {
            foreach (byte[] frame in prelude)
            {
                await _socket.SendAsync(frame, SocketFlags.None, abort).ConfigureAwait(false);
            }

            while (true)
            {
                // Read "closed" before dequeuing: frames queued before Close are then certain to be seen.
                bool closed = Outbox.IsClosed;
                int n = Outbox.Dequeue(chunk);
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

                await Outbox.WaitAsync(abort).ConfigureAwait(false);
            }

            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _socket.Dispose();
            Outbox.Dispose();
        }
    }
}
