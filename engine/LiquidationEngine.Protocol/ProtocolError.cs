namespace LiquidationEngine.Protocol;

/// <summary>Why the gateway rejected a frame or closed a connection. Wire values: never renumber.</summary>
public enum ProtocolError : ushort
{
    /// <summary>No error.</summary>
    None = 0,

    /// <summary>The frame does not start with the magic bytes <c>4C 51</c> ("LQ"). Closes the connection.</summary>
    BadMagic = 1,

    /// <summary>The frame's protocol version is not supported. Closes the connection.</summary>
    UnsupportedVersion = 2,

    /// <summary>The declared body length is above the configured maximum frame size. Closes the connection.</summary>
    FrameTooLarge = 3,

    /// <summary>The CRC32C does not match the frame. Closes the connection.</summary>
    BadChecksum = 4,

    /// <summary>The type byte is not a known inbound message. The frame is dropped; the connection stays open.</summary>
    UnknownMessageType = 5,

    /// <summary>The body is shorter than the message's layout. The frame is dropped; the connection stays open.</summary>
    TruncatedBody = 6,

    /// <summary>The body is longer than the message's layout. The frame is dropped; the connection stays open.</summary>
    BadBodyLength = 7,

    /// <summary>The first frame was not <see cref="MessageType.Hello"/>, or a second Hello was sent. Closes the connection.</summary>
    HelloRequired = 8,

    /// <summary>The shared secret in Hello is missing or wrong. Closes the connection.</summary>
    AuthenticationFailed = 9,

    /// <summary>The connection limit is reached. Closes the connection.</summary>
    TooManyConnections = 10,

    /// <summary>The client did not read fast enough and its outbound buffer overflowed. Closes the connection.</summary>
    OutboundOverrun = 11,

    /// <summary>The daemon is shutting down and takes no more input. Closes the connection.</summary>
    ShuttingDown = 12,

    /// <summary>The client half-closed its side in the middle of a frame; the partial frame is dropped. Closes the connection.</summary>
    TruncatedFrame = 13,

    /// <summary>No valid Hello arrived within <c>Gateway:HelloTimeoutSeconds</c> of the connect. Closes the connection.</summary>
    HelloTimeout = 14,

    /// <summary>No frame (command or Heartbeat) arrived within <c>Gateway:IdleTimeoutSeconds</c>. Closes the connection.</summary>
    IdleTimeout = 15,
}

/// <summary>Helpers over <see cref="ProtocolError"/>.</summary>
public static class ProtocolErrors
{
    /// <summary>True when the error leaves the byte stream unusable or the session invalid, so the connection is closed.</summary>
    public static bool ClosesConnection(this ProtocolError error)
        => error is not (ProtocolError.UnknownMessageType or ProtocolError.TruncatedBody or ProtocolError.BadBodyLength or ProtocolError.None);

    /// <summary>A snake_case name for logs and metric labels.</summary>
    public static string Label(this ProtocolError error) => error switch
    {
        ProtocolError.None => "none",
        ProtocolError.BadMagic => "bad_magic",
        ProtocolError.UnsupportedVersion => "unsupported_version",
        ProtocolError.FrameTooLarge => "frame_too_large",
        ProtocolError.BadChecksum => "bad_checksum",
        ProtocolError.UnknownMessageType => "unknown_message_type",
        ProtocolError.TruncatedBody => "truncated_body",
        ProtocolError.BadBodyLength => "bad_body_length",
        ProtocolError.HelloRequired => "hello_required",
        ProtocolError.AuthenticationFailed => "authentication_failed",
        ProtocolError.TooManyConnections => "too_many_connections",
        ProtocolError.OutboundOverrun => "outbound_overrun",
        ProtocolError.ShuttingDown => "shutting_down",
        ProtocolError.TruncatedFrame => "truncated_frame",
        ProtocolError.HelloTimeout => "hello_timeout",
        ProtocolError.IdleTimeout => "idle_timeout",
        _ => "unknown",
    };
}
