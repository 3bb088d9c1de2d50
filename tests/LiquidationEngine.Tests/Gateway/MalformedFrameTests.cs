using System.Buffers.Binary;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Protocol;

using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Gateway;

/// <summary>One daemon for all malformed-frame cases.</summary>
public sealed class MalformedFrameDaemon : IAsyncLifetime, IDisposable
{
    private readonly Scenario.TempDir _dir = new();

    public DaemonProcess Daemon { get; private set; } = null!;

    public async Task InitializeAsync() => Daemon = await DaemonProcess.StartAsync(_dir.Path);

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Daemon?.Dispose();
        _dir.Dispose();
    }
}

[Collection("daemon processes")]
public class MalformedFrameTests(MalformedFrameDaemon fixture) : IClassFixture<MalformedFrameDaemon>
{
    private static byte[] GoodTick(long clientSequence) => CommandCodec.ToFrame(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = 0, Price = Px("20000"), ClientSequence = clientSequence });

    /// <summary>A tick frame whose body is <paramref name="bodyLength"/> bytes, sealed with a valid CRC.</summary>
    private static byte[] TickWithBody(int bodyLength)
    {
        byte[] body = new byte[bodyLength];
        BinaryPrimitives.WriteInt64LittleEndian(body, 31);
        byte[] frame = new byte[FrameCodec.Overhead + bodyLength];
        FrameCodec.Write(frame, MessageType.MarkTick, body);
        return frame;
    }

    public static TheoryData<string, ProtocolError> Cases => new()
    {
        { "bad length: a tick body longer than its layout", ProtocolError.BadBodyLength },
        { "truncated: a tick body shorter than its layout", ProtocolError.TruncatedBody },
        { "unknown message type", ProtocolError.UnknownMessageType },
        { "bad checksum", ProtocolError.BadChecksum },
        { "oversized: a declared length above the maximum", ProtocolError.FrameTooLarge },
        { "bad magic", ProtocolError.BadMagic },
        { "a command before Hello", ProtocolError.HelloRequired },
    };

    private static byte[] Frame(string name) => name switch
    {
        _ when name.StartsWith("bad length", StringComparison.Ordinal) => TickWithBody(CommandCodec.BodySize(MessageType.MarkTick) + 5),
        _ when name.StartsWith("truncated", StringComparison.Ordinal) => TickWithBody(CommandCodec.BodySize(MessageType.MarkTick) - 4),
        "unknown message type" => Sealed(f => f[3] = 0x7E),
        "bad checksum" => Flip(GoodTick(31), FrameCodec.HeaderSize + 3),
        _ when name.StartsWith("oversized", StringComparison.Ordinal) => Sealed(f => BinaryPrimitives.WriteUInt32LittleEndian(f.AsSpan(4), 1 << 20)),
        "bad magic" => Flip(GoodTick(31), 0),
        _ => GoodTick(31),
    };

    private static byte[] Sealed(Action<byte[]> change)
    {
        byte[] f = GoodTick(31);
        change(f);
        FrameCodec.Seal(f);
        return f;
    }

    private static byte[] Flip(byte[] f, int at)
    {
        f[at] ^= 0x5A;
        return f;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_malformed_frame_is_rejected_with_its_reason_and_affects_only_its_own_connection(string name, ProtocolError expected)
    {
        DaemonProcess daemon = fixture.Daemon;
        using var bystander = new GatewaySession(await daemon.ConnectAsync());
        ulong before = await bystander.StateHashAsync();

        using GatewayClient bad = name == "a command before Hello"
            ? await GatewayClient.ConnectRawAsync(daemon.Host, daemon.GatewayPort)
            : await daemon.ConnectAsync();
        await bad.SendRawAsync(Frame(name), DaemonProcess.Timeout(10));

        GatewayMessage? reply = await bad.ReceiveAsync(DaemonProcess.Timeout(10));
        Assert.NotNull(reply);
        Assert.Equal(MessageType.Error, reply.Value.Type);
        Assert.Equal(expected, reply.Value.Error.Reason);
        Assert.Equal(expected.ClosesConnection(), reply.Value.Error.Closing);
        if (expected.ClosesConnection())
        {
            Assert.Null(await bad.ReceiveAsync(DaemonProcess.Timeout(10)));
        }
        else
        {
            // The frame was dropped, the stream is intact: the same connection still works.
            Assert.Equal(31, reply.Value.Error.ClientSequence);
            await bad.SendAsync(new EngineCommand { Kind = CommandKind.QueryStateHash, ClientSequence = 32 }, DaemonProcess.Timeout(10));
            GatewayMessage? hash = await bad.ReceiveAsync(DaemonProcess.Timeout(10));
            Assert.Equal((MessageType.StateHash, 32L), (hash!.Value.Type, hash.Value.Event.ClientSequence));
        }

        Assert.Equal(before, await bystander.StateHashAsync());
        Assert.Contains($"reason=\"{expected.Label()}\"", (await daemon.GetAsync("/metrics")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_shared_secret_is_refused_when_one_is_configured()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Gateway:SharedSecret=open-sesame", "--Gateway:MaxConnections=2");

        IOException refused = await Assert.ThrowsAsync<IOException>(() => daemon.ConnectAsync(secret: "guess"));
        using GatewayClient a = await daemon.ConnectAsync(secret: "open-sesame");
        using GatewayClient b = await daemon.ConnectAsync(secret: "open-sesame");
        IOException full = await Assert.ThrowsAsync<IOException>(() => daemon.ConnectAsync(secret: "open-sesame"));

        Assert.Contains(nameof(ProtocolError.AuthenticationFailed), refused.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ProtocolError.TooManyConnections), full.Message, StringComparison.Ordinal);
    }
}
