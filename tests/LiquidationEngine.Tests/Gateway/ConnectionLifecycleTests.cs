using System.Globalization;
using System.Net.Sockets;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using static LiquidationEngine.Tests.Support.DaemonCommands;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Gateway;

/// <summary>How connections end — resets, silence, slow peers, half-closes — and that one connection's end never
/// reaches another client or the output stage. Real daemon processes, real sockets.</summary>
[Collection("daemon processes")]
public class ConnectionLifecycleTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static EngineCommand Tick(decimal mark) => new() { Kind = CommandKind.MarkTick, Instrument = Btc, Price = Px(mark.ToString(CultureInfo.InvariantCulture)) };

    private static EngineCommand Funding() => new() { Kind = CommandKind.FundingSettlement, Instrument = Btc, Amount = 1, Price = Px("20000") };

    /// <summary>Connects, says Hello, queues replies it never reads, then resets (RST: linger 0) with them unread.
    /// A reset frees its slot a moment later (when the daemon reads the RST), so a refusal is retried for up to 5 s:
    /// a slot that is never freed fails the test.</summary>
    private static async Task ConnectAndResetAsync(DaemonProcess daemon, int queries)
    {
        GatewayClient? connected = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (connected is null)
        {
            try
            {
                connected = await daemon.ConnectAsync();
            }
            catch (IOException refused) when (refused.Message.Contains(nameof(ProtocolError.TooManyConnections), StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(10);
            }
        }

        using GatewayClient c = connected;
        for (int q = 0; q < queries; q++)
        {
            await c.SendAsync(new EngineCommand { Kind = CommandKind.QueryStateHash, ClientSequence = q + 1 }, DaemonProcess.Timeout(10));
        }

        c.Socket.LingerState = new LingerOption(true, 0);
        c.Socket.Close();
    }

    private static async Task<double> ConnectionsGaugeAsync(DaemonProcess daemon) => (await daemon.MetricsAsync()).Value("liqengine_gateway_connections");

    /// <summary>Polls the connections gauge until it shows <paramref name="expected"/> (closing takes a moment).</summary>
    private static async Task<double> WaitForConnectionsAsync(DaemonProcess daemon, int expected)
    {
        double now = -1;
        for (int i = 0; i < 100 && now != expected; i++)
        {
            now = await ConnectionsGaugeAsync(daemon);
            if (now != expected)
            {
                await Task.Delay(50);
            }
        }

        return now;
    }

    [Fact]
    public async Task A_thousand_clients_that_reset_with_unread_data_leave_a_streaming_client_every_reply_and_order()
    {
        using var dir = new Scenario.TempDir();

        // Few slots: if a reset connection kept its slot, the loop below would be locked out within 8 resets.
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Gateway:MaxConnections=8");
        using var a = new GatewaySession(await daemon.ConnectAsync());
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(MessageType.Ack, (await a.CommandAsync(Deposit(1000 + i, "100000"))).Type);
            Assert.Equal(MessageType.Ack, (await a.CommandAsync(OpenLong(1000 + i, "1", "20000", 10 + i))).Type); // LP from ~18,072 to ~19,388
        }

        // Resets run beside A's stream; each finds broadcasts and replies queued for it.
        const int Resets = 1_000;
        int resetsDone = 0;
        Task resets = Task.Run(async () =>
        {
            for (int r = 0; r < Resets; r++)
            {
                await ConnectAndResetAsync(daemon, queries: 1 + (r % 8));
                Interlocked.Increment(ref resetsDone);
            }
        });

        // A streams ticks from 20,000 down to 18,000 (every position crosses its liquidation price) and a funding
        // settlement (a broadcast to every client) every 50 ticks, paced so the stream spans the resets.
        var sent = new List<long>();
        int fundings = 0;
        for (int i = 0; i < 20_000; i++)
        {
            sent.Add(await a.SendAsync(Tick(20000m - (i / 10m))));
            if (i % 50 == 0)
            {
                sent.Add(await a.SendAsync(Funding()));
                fundings++;
            }

            if (i % 500 == 499)
            {
                // At most 25 resets per 500 ticks: the stream lasts as long as the resets.
                while (Volatile.Read(ref resetsDone) < Math.Min(Resets, (i + 1) / 20) && !resets.IsCompleted)
                {
                    await Task.Delay(5);
                }
            }
        }

        await resets.WaitAsync(TimeSpan.FromSeconds(120));
        long last = sent[^1];
        var replies = new List<GatewayMessage>();
        while (replies.Count == 0 || replies[^1].Event.ClientSequence != last)
        {
            replies.Add(await a.NextReplyAsync(30));
        }

        // Every command A sent was answered, in order, by an Ack (nothing was lost or stalled behind the resets).
        Assert.Equal(sent, replies.Select(m => m.Event.ClientSequence));
        Assert.All(replies, m => Assert.Equal(MessageType.Ack, m.Type));

        // Every position was liquidated once, and A saw every funding broadcast.
        await a.WaitForOrdersAsync(20);
        Assert.Equal(Enumerable.Range(1000, 20).Select(i => (long)i), a.Orders.Select(o => o.Account).Order());
        Assert.Equal(fundings, a.Broadcasts.Count(e => e.Kind == EventKind.FundingApplied));

        // The output stage never faulted, the gauge is back to the one real client, and the slots are all free.
        Assert.False(daemon.HasExited, daemon.Output);
        Assert.DoesNotContain("stage faulted", daemon.Output, StringComparison.Ordinal);
        Assert.Equal(1, await WaitForConnectionsAsync(daemon, 1));
        var more = new List<GatewaySession>();
        for (int i = 0; i < 7; i++)
        {
            more.Add(new GatewaySession(await daemon.ConnectAsync()));
        }

        Assert.Equal(8, await WaitForConnectionsAsync(daemon, 8));
        Assert.Single((await Task.WhenAll(more.Select(m => m.StateHashAsync()))).Distinct());
        more.ForEach(m => m.Dispose());
        output.WriteLine($"{Resets} resets beside {sent.Count} commands; {a.Orders.Count} orders, {fundings} fundings");
    }

    /// <summary>Reads a raw socket until the daemon ends the stream; the first Error's reason, or None if there was none.</summary>
    private static async Task<ProtocolError> ClosedByDaemonAsync(GatewayClient c, int seconds)
    {
        ProtocolError first = ProtocolError.None;
        while (await c.ReceiveAsync(DaemonProcess.Timeout(seconds)) is { } m)
        {
            if (m.Type == MessageType.Error && first == ProtocolError.None)
            {
                first = m.Error.Reason;
            }
        }

        return first;
    }

    [Fact]
    public async Task Silent_and_byte_a_second_peers_are_closed_at_the_Hello_deadline_and_a_real_client_still_connects_and_trades()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Gateway:HelloTimeoutSeconds=2", "--Gateway:MaxPendingConnections=32", "--Gateway:MaxConnections=4");

        var hostile = new List<GatewayClient>();
        for (int i = 0; i < 64; i++)
        {
            hostile.Add(await GatewayClient.ConnectRawAsync(daemon.Host, daemon.GatewayPort));
        }

        // 64 peers that dribble a valid Hello one byte a second: never whole before the deadline.
        byte[] hello = new byte[64];
        int helloLength = new HelloMessage(-1, ReadOnlyMemory<byte>.Empty).WriteFrame(hello);
        using var stopDribbling = new CancellationTokenSource();
        var dribblers = new List<Task>();
        for (int i = 0; i < 64; i++)
        {
            GatewayClient slow = await GatewayClient.ConnectRawAsync(daemon.Host, daemon.GatewayPort);
            hostile.Add(slow);
            dribblers.Add(Task.Run(async () =>
            {
                try
                {
                    for (int b = 0; b < helloLength && !stopDribbling.IsCancellationRequested; b++)
                    {
                        await slow.SendRawAsync(hello.AsMemory(b, 1), stopDribbling.Token);
                        await Task.Delay(1000, stopDribbling.Token);
                    }
                }
                catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
                {
                }
            }));
        }

        // The 128 hostile sockets are held apart from the authenticated slots: the pending gauge shows at most the limit.
        double pending = (await daemon.MetricsAsync()).Value("liqengine_gateway_pending_connections");
        Assert.InRange(pending, 1, 32);
        Assert.Equal(0, await ConnectionsGaugeAsync(daemon));

        // A real client, arriving while all 128 are connected, says Hello at once, is served and trades.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var real = new GatewaySession(await daemon.ConnectAsync()))
        {
            Assert.Equal(MessageType.Ack, (await real.CommandAsync(Deposit(3, "10000"))).Type);
            Assert.Equal(MessageType.Ack, (await real.CommandAsync(OpenLong(3, "0.1", "20000", 10))).Type);
            Assert.Equal(MessageType.PositionState, (await real.CommandAsync(new EngineCommand { Kind = CommandKind.QueryPosition, Account = 3, Instrument = Btc })).Type);
        }

        output.WriteLine($"real client served in {clock.ElapsedMilliseconds} ms beside 128 hostile sockets");

        // Every hostile socket is closed by the daemon (Hello deadline, or pushed out by newer pending ones) well
        // within deadline + sweep; none ever took one of the 4 authenticated slots.
        ProtocolError[] reasons = await Task.WhenAll(hostile.Select(h => ClosedByDaemonAsync(h, 10)));
        Assert.All(reasons, r => Assert.Contains(r, new[] { ProtocolError.HelloTimeout, ProtocolError.TooManyConnections }));
        Assert.Contains(ProtocolError.HelloTimeout, reasons);
        await stopDribbling.CancelAsync();
        await Task.WhenAll(dribblers);
        hostile.ForEach(h => h.Dispose());

        var four = new List<GatewayClient>();
        for (int i = 0; i < 4; i++)
        {
            four.Add(await daemon.ConnectAsync());
        }

        Assert.Equal(4, await WaitForConnectionsAsync(daemon, 4));
        Assert.Equal(0, (await daemon.MetricsAsync()).Value("liqengine_gateway_pending_connections"));
        four.ForEach(f => f.Dispose());
    }

    [Fact]
    public async Task An_idle_client_is_closed_after_the_idle_timeout_unless_it_sends_heartbeats()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Gateway:IdleTimeoutSeconds=1.5");
        using GatewayClient idle = await daemon.ConnectAsync();
        using GatewayClient beating = await daemon.ConnectAsync();

        // Heartbeats every 400 ms for 4 s, each answered with its token; the idle one is closed meanwhile.
        Task<ProtocolError> idleEnd = ClosedByDaemonAsync(idle, 10);
        for (long token = 1; token <= 10; token++)
        {
            await beating.SendHeartbeatAsync(token, DaemonProcess.Timeout(5));
            GatewayMessage? ack = await beating.ReceiveAsync(DaemonProcess.Timeout(5));
            Assert.Equal((MessageType.HeartbeatAck, token), (ack!.Value.Type, ack.Value.HeartbeatToken));
            await Task.Delay(400);
        }

        Assert.True(idleEnd.IsCompleted, "the idle client should have been closed after 1.5 s");
        Assert.Equal(ProtocolError.IdleTimeout, await idleEnd);
        using var still = new GatewaySession(beating);
        Assert.Equal(MessageType.Ack, (await still.CommandAsync(Deposit(4, "1"))).Type);
        Assert.Equal(1, await WaitForConnectionsAsync(daemon, 1));
    }

    [Fact]
    public async Task A_client_that_half_closes_inside_a_frame_is_told_TruncatedFrame_and_its_earlier_commands_are_answered()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path);
        using GatewayClient c = await daemon.ConnectAsync();
        byte[] deposit = CommandCodec.ToFrame(Deposit(9, "5") with { ClientSequence = 77 });
        byte[] tick = CommandCodec.ToFrame(Tick(20000m) with { ClientSequence = 78 });
        await c.SendRawAsync(deposit.Concat(tick.Take(tick.Length / 2)).ToArray(), DaemonProcess.Timeout(5));
        c.Socket.Shutdown(SocketShutdown.Send);

        GatewayMessage? ack = await c.ReceiveAsync(DaemonProcess.Timeout(10));
        GatewayMessage? error = await c.ReceiveAsync(DaemonProcess.Timeout(10));

        Assert.Equal((MessageType.Ack, 77L), (ack!.Value.Type, ack.Value.Event.ClientSequence));
        Assert.Equal((MessageType.Error, ProtocolError.TruncatedFrame, true), (error!.Value.Type, error.Value.Error.Reason, error.Value.Error.Closing));
        Assert.Null(await c.ReceiveAsync(DaemonProcess.Timeout(10)));
    }
}
