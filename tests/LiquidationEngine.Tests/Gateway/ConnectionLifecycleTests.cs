using System.Globalization;
using System.Net.Sockets;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
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
    private const int Btc = 0; // BTC-USDT-PERP in config/instruments.json
    private const short Usdt = 0;

    private static EngineCommand Deposit(long account, string amount) => new() { Kind = CommandKind.Deposit, Account = account, Asset = Usdt, Amount = Usd(amount) };

    private static EngineCommand OpenLong(long account, string qty, string price, int leverage)
        => new() { Kind = CommandKind.TradeFill, Account = account, Instrument = Btc, Side = 1, Quantity = Qty(qty), Price = Px(price), Leverage = leverage };

    private static EngineCommand Tick(decimal mark) => new() { Kind = CommandKind.MarkTick, Instrument = Btc, Price = Px(mark.ToString(CultureInfo.InvariantCulture)) };

    private static EngineCommand Funding() => new() { Kind = CommandKind.FundingSettlement, Instrument = Btc, Amount = 1, Price = Px("20000") };

    /// <summary>Connects, says Hello, queues replies it never reads, then resets (RST: linger 0) with them unread.</summary>
    private static async Task ConnectAndResetAsync(DaemonProcess daemon, int queries)
    {
        using GatewayClient c = await daemon.ConnectAsync();
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
}
