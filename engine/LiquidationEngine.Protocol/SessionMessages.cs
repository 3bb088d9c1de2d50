using System.Buffers.Binary;

namespace LiquidationEngine.Protocol;

/// <summary>The first frame of a connection: where to resume the order stream, and the shared secret if one is configured.</summary>
/// <param name="LastSeenEventSequence">The highest order event sequence the client has seen; the gateway replays every
/// retained order/settlement after it. -1 means "live only, replay nothing".</param>
/// <param name="Secret">The shared secret (UTF-8), empty when none is configured.</param>
public readonly record struct HelloMessage(long LastSeenEventSequence, ReadOnlyMemory<byte> Secret)
{
    /// <summary>The largest secret accepted.</summary>
    public const int MaxSecretBytes = 256;

    /// <summary>Body bytes before the secret.</summary>
    public const int FixedSize = 10;

    /// <summary>Writes a whole Hello frame; returns its length.</summary>
    public int WriteFrame(Span<byte> destination)
    {
        Span<byte> body = destination[FrameCodec.HeaderSize..];
        BinaryPrimitives.WriteInt64LittleEndian(body, LastSeenEventSequence);
        BinaryPrimitives.WriteUInt16LittleEndian(body[8..], (ushort)Secret.Length);
        Secret.Span.CopyTo(body[FixedSize..]);
        int length = FixedSize + Secret.Length;
        return FrameCodec.Complete(destination, MessageType.Hello, length);
    }

    /// <summary>Decodes a Hello body.</summary>
    public static ProtocolError TryRead(ReadOnlySpan<byte> body, out HelloMessage hello)
    {
        hello = default;
        if (body.Length < FixedSize)
        {
            return ProtocolError.TruncatedBody;
        }

        int secret = BinaryPrimitives.ReadUInt16LittleEndian(body[8..]);
        if (secret > MaxSecretBytes)
        {
            return ProtocolError.BadBodyLength;
        }

        ProtocolError lengthError = FrameCodec.CheckBodyLength(body.Length, FixedSize + secret);
        if (lengthError != ProtocolError.None)
        {
            return lengthError;
        }

        hello = new HelloMessage(BinaryPrimitives.ReadInt64LittleEndian(body), body.Slice(FixedSize, secret).ToArray());
        return ProtocolError.None;
    }
}

/// <summary>The reply to Hello: the connection's source id and what the order log could replay.</summary>
/// <param name="SourceId">The id the engine stamps on this connection's commands (echoed in its events).</param>
/// <param name="NewestEventSequence">Event sequence of the newest order/settlement in the log (0 if empty).</param>
/// <param name="OldestEventSequence">Event sequence of the oldest order/settlement still in the log (0 if empty).</param>
/// <param name="ReplayCount">How many logged orders/settlements follow this message before live traffic.</param>
/// <param name="Gap">True when orders after the requested resume point have left the bounded log and cannot be replayed.</param>
/// <param name="MaxBodyBytes">The largest frame body the gateway accepts.</param>
public readonly record struct WelcomeMessage(int SourceId, long NewestEventSequence, long OldestEventSequence, int ReplayCount, bool Gap, int MaxBodyBytes)
{
    /// <summary>Body size.</summary>
    public const int BodySize = 29;

    /// <summary>Writes a whole Welcome frame; returns its length.</summary>
    public int WriteFrame(Span<byte> destination)
    {
        Span<byte> b = destination[FrameCodec.HeaderSize..];
        BinaryPrimitives.WriteInt32LittleEndian(b, SourceId);
        BinaryPrimitives.WriteInt64LittleEndian(b[4..], NewestEventSequence);
        BinaryPrimitives.WriteInt64LittleEndian(b[12..], OldestEventSequence);
        BinaryPrimitives.WriteInt32LittleEndian(b[20..], ReplayCount);
        b[24] = Gap ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32LittleEndian(b[25..], MaxBodyBytes);
        return FrameCodec.Complete(destination, MessageType.Welcome, BodySize);
    }

    /// <summary>Decodes a Welcome body.</summary>
    public static ProtocolError TryRead(ReadOnlySpan<byte> b, out WelcomeMessage welcome)
    {
        welcome = default;
        ProtocolError lengthError = FrameCodec.CheckBodyLength(b.Length, BodySize);
        if (lengthError != ProtocolError.None)
        {
            return lengthError;
        }

        welcome = new WelcomeMessage(
            BinaryPrimitives.ReadInt32LittleEndian(b),
            BinaryPrimitives.ReadInt64LittleEndian(b[4..]),
            BinaryPrimitives.ReadInt64LittleEndian(b[12..]),
            BinaryPrimitives.ReadInt32LittleEndian(b[20..]),
            b[24] != 0,
            BinaryPrimitives.ReadInt32LittleEndian(b[25..]));
        return ProtocolError.None;
    }
}

/// <summary>A rejected frame or a closing connection.</summary>
/// <param name="Reason">Why.</param>
/// <param name="Closing">True when the gateway closes the connection after this frame.</param>
/// <param name="OffendingType">The type byte of the rejected frame (0 when unknown or not about a frame).</param>
/// <param name="ClientSequence">The rejected frame's client sequence when it could be read, else 0.</param>
public readonly record struct ErrorMessage(ProtocolError Reason, bool Closing, byte OffendingType, long ClientSequence)
{
    /// <summary>Body size.</summary>
    public const int BodySize = 12;

    /// <summary>Writes a whole Error frame; returns its length.</summary>
    public int WriteFrame(Span<byte> destination)
    {
        Span<byte> b = destination[FrameCodec.HeaderSize..];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)Reason);
        b[2] = Closing ? (byte)1 : (byte)0;
        b[3] = OffendingType;
        BinaryPrimitives.WriteInt64LittleEndian(b[4..], ClientSequence);
        return FrameCodec.Complete(destination, MessageType.Error, BodySize);
    }

    /// <summary>Encodes as a new frame array.</summary>
    public byte[] ToFrame()
    {
        var frame = new byte[FrameCodec.Overhead + BodySize];
        WriteFrame(frame);
        return frame;
    }

    /// <summary>Decodes an Error body.</summary>
    public static ProtocolError TryRead(ReadOnlySpan<byte> b, out ErrorMessage error)
    {
        error = default;
        ProtocolError lengthError = FrameCodec.CheckBodyLength(b.Length, BodySize);
        if (lengthError != ProtocolError.None)
        {
            return lengthError;
        }

        error = new ErrorMessage((ProtocolError)BinaryPrimitives.ReadUInt16LittleEndian(b), b[2] != 0, b[3], BinaryPrimitives.ReadInt64LittleEndian(b[4..]));
        return ProtocolError.None;
    }
}

/// <summary>A keep-alive, both ways: the client sends <see cref="MessageType.Heartbeat"/> and the gateway answers
/// <see cref="MessageType.HeartbeatAck"/> with the same token. It never enters the engine.</summary>
/// <param name="Token">Any value of the client's choosing, echoed back.</param>
public readonly record struct HeartbeatMessage(long Token)
{
    /// <summary>Body size.</summary>
    public const int BodySize = 8;

    /// <summary>Writes a whole frame of <paramref name="type"/> (Heartbeat or HeartbeatAck); returns its length.</summary>
    public int WriteFrame(Span<byte> destination, MessageType type)
    {
        BinaryPrimitives.WriteInt64LittleEndian(destination[FrameCodec.HeaderSize..], Token);
        return FrameCodec.Complete(destination, type, BodySize);
    }

    /// <summary>Decodes a Heartbeat or HeartbeatAck body.</summary>
    public static ProtocolError TryRead(ReadOnlySpan<byte> b, out HeartbeatMessage heartbeat)
    {
        heartbeat = default;
        ProtocolError lengthError = FrameCodec.CheckBodyLength(b.Length, BodySize);
        if (lengthError != ProtocolError.None)
        {
            return lengthError;
        }

        heartbeat = new HeartbeatMessage(BinaryPrimitives.ReadInt64LittleEndian(b));
        return ProtocolError.None;
    }
}
