using System.Buffers.Binary;
using LiquidationEngine.Contracts;

namespace LiquidationEngine.Protocol;

/// <summary>What <see cref="FrameCodec.TryParse"/> found at the start of a buffer.</summary>
public enum FrameParseStatus : byte
{
    /// <summary>A whole, valid frame.</summary>
    Complete,

    /// <summary>Not enough bytes yet; read more.</summary>
    NeedMore,

    /// <summary>The bytes are not a valid frame; see the error.</summary>
    Invalid,
}

/// <summary>
/// The gateway's framing: an 8-byte header, the body, and a CRC32C trailer, all little-endian (docs/PROTOCOL.md).
/// </summary>
/// <remarks>
/// <code>
/// offset  size  field
/// 0       2     magic 0x514C (bytes 4C 51, "LQ")
/// 2       1     protocol version (1)
/// 3       1     message type (<see cref="MessageType"/>)
/// 4       4     body length N (u32)
/// 8       N     body
/// 8+N     4     CRC32C of bytes [0, 8+N)
/// </code>
/// </remarks>
public static class FrameCodec
{
    /// <summary>The magic number, read as a little-endian u16 ("LQ").</summary>
    public const ushort Magic = 0x514C;

    /// <summary>The protocol version this codec speaks.</summary>
    public const byte Version = 1;

    /// <summary>Header bytes before the body.</summary>
    public const int HeaderSize = 8;

    /// <summary>Trailer bytes after the body (the CRC32C).</summary>
    public const int TrailerSize = 4;

    /// <summary>Header plus trailer.</summary>
    public const int Overhead = HeaderSize + TrailerSize;

    /// <summary>The largest body any message of this version needs; a useful lower bound for a configured maximum.</summary>
    public const int LargestBody = 256;

    /// <summary>Writes a whole frame around <paramref name="body"/>; returns the frame length.</summary>
    public static int Write(Span<byte> destination, MessageType type, ReadOnlySpan<byte> body)
    {
        int length = Overhead + body.Length;
        if (destination.Length < length)
        {
            throw new ArgumentException("destination is too small for the frame", nameof(destination));
        }

        body.CopyTo(destination[HeaderSize..]);
        return Complete(destination, type, body.Length);
    }

    /// <summary>Writes the header for a body of <paramref name="bodyLength"/> bytes the caller has already written in
    /// place after it, then the CRC32C trailer; returns the frame length.</summary>
    public static int Complete(Span<byte> destination, MessageType type, int bodyLength)
    {
        WriteHeader(destination, type, bodyLength);
        int length = Overhead + bodyLength;
        Seal(destination[..length]);
        return length;
    }

    /// <summary>Checks a fixed-size body: <see cref="ProtocolError.None"/> when it is exactly
    /// <paramref name="expected"/> bytes, <see cref="ProtocolError.TruncatedBody"/> when shorter,
    /// <see cref="ProtocolError.BadBodyLength"/> when longer.</summary>
    public static ProtocolError CheckBodyLength(int actual, int expected)
        => actual == expected ? ProtocolError.None
            : actual < expected ? ProtocolError.TruncatedBody
            : ProtocolError.BadBodyLength;

    /// <summary>Writes the header for a body of <paramref name="bodyLength"/> bytes that the caller writes in place.</summary>
    public static void WriteHeader(Span<byte> destination, MessageType type, int bodyLength)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, Magic);
        destination[2] = Version;
        destination[3] = (byte)type;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], (uint)bodyLength);
    }

    /// <summary>Computes and writes the CRC32C trailer of a frame whose header and body are in place.</summary>
    public static void Seal(Span<byte> frame)
    {
        int covered = frame.Length - TrailerSize;
        BinaryPrimitives.WriteUInt32LittleEndian(frame[covered..], Crc32C.Compute(frame[..covered]));
    }

    /// <summary>
    /// Parses the frame at the start of <paramref name="buffer"/>. On <see cref="FrameParseStatus.Complete"/>,
    /// <paramref name="frameLength"/> is the bytes to consume; on <see cref="FrameParseStatus.Invalid"/>,
    /// <paramref name="error"/> says why (the stream cannot be trusted after that).
    /// </summary>
    public static FrameParseStatus TryParse(ReadOnlySpan<byte> buffer, int maxBodyBytes, out MessageType type, out ReadOnlySpan<byte> body, out int frameLength, out ProtocolError error)
    {
        type = default;
        body = default;
        frameLength = 0;
        error = ProtocolError.None;
        if (buffer.Length >= 2 && BinaryPrimitives.ReadUInt16LittleEndian(buffer) != Magic)
        {
            error = ProtocolError.BadMagic;
            return FrameParseStatus.Invalid;
        }

        if (buffer.Length >= 3 && buffer[2] != Version)
        {
            error = ProtocolError.UnsupportedVersion;
            return FrameParseStatus.Invalid;
        }

        if (buffer.Length < HeaderSize)
        {
            return FrameParseStatus.NeedMore;
        }

        uint declared = BinaryPrimitives.ReadUInt32LittleEndian(buffer[4..]);
        if (declared > (uint)maxBodyBytes)
        {
            error = ProtocolError.FrameTooLarge;
            return FrameParseStatus.Invalid;
        }

        int length = Overhead + (int)declared;
        if (buffer.Length < length)
        {
            return FrameParseStatus.NeedMore;
        }

        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(buffer[(length - TrailerSize)..]);
        if (crc != Crc32C.Compute(buffer[..(length - TrailerSize)]))
        {
            error = ProtocolError.BadChecksum;
            return FrameParseStatus.Invalid;
        }

        type = (MessageType)buffer[3];
        body = buffer.Slice(HeaderSize, (int)declared);
        frameLength = length;
        return FrameParseStatus.Complete;
    }
}
