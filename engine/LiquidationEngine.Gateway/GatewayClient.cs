using System.Net.Sockets;
using System.Text;
using LiquidationEngine.Contracts;
using LiquidationEngine.Protocol;

namespace LiquidationEngine.Gateway;

/// <summary>One decoded outbound message from the gateway.</summary>
/// <param name="Type">The message type.</param>
/// <param name="Event">The engine event, for event messages.</param>
/// <param name="Welcome">The Welcome, for <see cref="MessageType.Welcome"/>.</param>
/// <param name="Error">The error, for <see cref="MessageType.Error"/>.</param>
/// <param name="HeartbeatToken">The echoed token, for <see cref="MessageType.HeartbeatAck"/>.</param>
public readonly record struct GatewayMessage(MessageType Type, EngineEvent Event, WelcomeMessage Welcome, ErrorMessage Error, long HeartbeatToken = 0);

/// <summary>A .NET client of the gateway protocol, for tests, tools and the perf suite.</summary>
/// <remarks>Not thread-safe for concurrent sends or concurrent receives; one sender and one receiver may run together.</remarks>
public sealed class GatewayClient : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[1 << 16];
    private readonly byte[] _send = new byte[FrameCodec.Overhead + 1024];
    private int _start;
    private int _filled;

    private GatewayClient(Socket socket) => _socket = socket;

    /// <summary>The Welcome the gateway answered the Hello with.</summary>
    public WelcomeMessage Welcome { get; private set; }

    /// <summary>The underlying socket (tests shrink its buffers or stop reading).</summary>
    public Socket Socket => _socket;

    /// <summary>Connects and opens the TCP connection without saying Hello (for protocol tests).</summary>
    public static async Task<GatewayClient> ConnectRawAsync(string host, int port, int receiveBufferBytes = 0, CancellationToken cancellationToken = default)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferBytes > 0)
        {
            socket.ReceiveBufferSize = receiveBufferBytes;
        }

        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new GatewayClient(socket);
    }

    /// <summary>Connects, says Hello and waits for the Welcome.</summary>
    /// <param name="host">Gateway host.</param>
    /// <param name="port">Gateway port.</param>
    /// <param name="lastSeenEventSequence">Resume point: -1 for live only, else replay orders after it.</param>
    /// <param name="secret">Shared secret, if the gateway requires one.</param>
    /// <param name="receiveBufferBytes">Kernel receive buffer (0 = default).</param>
    /// <param name="cancellationToken">Cancels the connect and the wait.</param>
    public static async Task<GatewayClient> ConnectAsync(string host, int port, long lastSeenEventSequence = -1, string? secret = null, int receiveBufferBytes = 0, CancellationToken cancellationToken = default)
    {
        GatewayClient client = await ConnectRawAsync(host, port, receiveBufferBytes, cancellationToken).ConfigureAwait(false);
        try
        {
            await client.SendHelloAsync(lastSeenEventSequence, secret, cancellationToken).ConfigureAwait(false);
            GatewayMessage? first = await client.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (first is not { Type: MessageType.Welcome } m)
            {
                throw new IOException($"expected Welcome, got {(first is null ? "end of stream" : first.Value.Type + " " + first.Value.Error.Reason)}");
            }

            client.Welcome = m.Welcome;
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Sends Hello.</summary>
    public Task SendHelloAsync(long lastSeenEventSequence, string? secret, CancellationToken cancellationToken = default)
    {
        byte[] s = secret is null ? [] : Encoding.UTF8.GetBytes(secret);
        int n = new HelloMessage(lastSeenEventSequence, s).WriteFrame(_send);
        return SendRawAsync(_send.AsMemory(0, n), cancellationToken);
    }

    /// <summary>Sends one command (its <see cref="EngineCommand.Kind"/> picks the message).</summary>
    public Task SendAsync(EngineCommand command, CancellationToken cancellationToken = default)
    {
        int n = CommandCodec.WriteFrame(command, _send);
        return SendRawAsync(_send.AsMemory(0, n), cancellationToken);
    }

    /// <summary>Sends a Heartbeat (keeps an otherwise idle connection open; answered by a HeartbeatAck with <paramref name="token"/>).</summary>
    public Task SendHeartbeatAsync(long token, CancellationToken cancellationToken = default)
    {
        int n = new HeartbeatMessage(token).WriteFrame(_send, MessageType.Heartbeat);
        return SendRawAsync(_send.AsMemory(0, n), cancellationToken);
    }

    /// <summary>Sends raw bytes (for malformed-frame tests).</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken = default)
    {
        int sent = 0;
        while (sent < bytes.Length)
        {
            sent += await _socket.SendAsync(bytes[sent..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Receives the next message, or null at the end of the stream.</summary>
    /// <exception cref="InvalidDataException">The gateway sent something that is not a valid frame.</exception>
    public async Task<GatewayMessage?> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            FrameParseStatus status = FrameCodec.TryParse(_buffer.AsSpan(_start, _filled - _start), _buffer.Length, out MessageType type, out ReadOnlySpan<byte> body, out int length, out ProtocolError error);
            if (status == FrameParseStatus.Complete)
            {
                GatewayMessage m = Decode(type, body);
                _start += length;
                return m;
            }

            if (status == FrameParseStatus.Invalid)
            {
                throw new InvalidDataException($"invalid frame from the gateway: {error}");
            }

            if (_start > 0)
            {
                _buffer.AsSpan(_start, _filled - _start).CopyTo(_buffer);
                _filled -= _start;
                _start = 0;
            }

            int n;
            try
            {
                n = await _socket.ReceiveAsync(_buffer.AsMemory(_filled), SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return null;
            }

            if (n == 0)
            {
                return null;
            }

            _filled += n;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private static GatewayMessage Decode(MessageType type, ReadOnlySpan<byte> body)
    {
        if (type == MessageType.Welcome)
        {
            Check(WelcomeMessage.TryRead(body, out WelcomeMessage w), type);
            return new GatewayMessage(type, default, w, default);
        }

        if (type == MessageType.HeartbeatAck)
        {
            Check(HeartbeatMessage.TryRead(body, out HeartbeatMessage h), type);
            return new GatewayMessage(type, default, default, default, h.Token);
        }

        if (type == MessageType.Error)
        {
            Check(ErrorMessage.TryRead(body, out ErrorMessage err), type);
            return new GatewayMessage(type, default, default, err);
        }

        Check(EventCodec.TryRead(type, body, out EngineEvent e), type);
        return new GatewayMessage(type, e, default, default);
    }

    private static void Check(ProtocolError error, MessageType type)
    {
        if (error != ProtocolError.None)
        {
            throw new InvalidDataException($"{type}: {error}");
        }
    }
}
