using Xunit;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>SIGTERM under load: intake stops, then everything already in the ring is answered, then clients are closed.</summary>
[Collection("daemon processes")]
public class DaemonDrainTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const long Account = 50;

    private static EngineCommand Deposit(long raw) => new() { Kind = CommandKind.Deposit, Account = Account, Asset = 0, Amount = raw };

    private static EngineCommand Funding() => new() { Kind = CommandKind.FundingSettlement, Instrument = 0, Amount = 1, Price = TestInstruments.Px("20000") };

    private static async Task<long> BalanceAsync(GatewaySession s)
    {
        long query = await s.SendAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = Account });
        long hash = await s.SendAsync(new EngineCommand { Kind = CommandKind.QueryStateHash });
        long balance = 0;
        while (true)
        {
            GatewayMessage m = await s.NextReplyAsync();
            if (m.Type == MessageType.AccountBalance && m.Event.ClientSequence == query && m.Event.Asset == 0)
            {
                balance = m.Event.Balance;
            }

            if (m.Event.ClientSequence == hash)
            {
                return balance;
            }
        }
    }

    [Fact]
    public async Task After_SIGTERM_under_load_every_applied_command_was_acked_and_every_event_is_seen_once_with_no_gap()
    {
        using var dir = new Scenario.TempDir();
        long ackedSum = 0;
        int ackedFundings = 0;
        long lastSeen = 0;
        var events = new List<long>();
        long amount = 0;
        for (int round = 0; round < 3; round++)
        {
            using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path);
            using var listener = new GatewaySession(await daemon.ConnectAsync(lastSeen: lastSeen));
            Assert.False(listener.Client.Welcome.Gap, $"round {round}: events after {lastSeen} were lost");
            using var writer = new GatewaySession(await daemon.ConnectAsync(), firstClientSequence: round * 1_000_000L);

            // What the restart recovered is exactly what was acked before (an applied but unacked deposit would show).
            Assert.Equal(ackedSum, await BalanceAsync(writer));
            writer.DrainReplies();

            // Stream deposits of distinct amounts and fundings (numbered broadcasts) without waiting; SIGTERM mid-stream.
            var amounts = new Dictionary<long, long>();
            var fundings = new HashSet<long>();
            Task<int> terminated = Task.FromResult(-1);
            try
            {
                for (int i = 0; i < 20_000; i++)
                {
                    EngineCommand c = i % 10 == 9 ? Funding() : Deposit(++amount);
                    long sequence = await writer.SendAsync(c);
                    if (c.Kind == CommandKind.Deposit)
                    {
                        amounts[sequence] = c.Amount;
                    }
                    else
                    {
                        fundings.Add(sequence);
                    }

                    if (i == 1_500)
                    {
                        terminated = daemon.TerminateAsync();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or System.Net.Sockets.SocketException)
            {
                // The daemon closed the connection: expected once it has drained.
            }

            Assert.Equal(0, await terminated);
            await writer.WaitClosedAsync();
            await listener.WaitClosedAsync();
            List<GatewayMessage> replies = writer.DrainReplies();
            Assert.Equal((MessageType.Error, ProtocolError.ShuttingDown), (replies[^1].Type, replies[^1].Error.Reason));
            List<GatewayMessage> acks = replies.Where(m => m.Type == MessageType.Ack).ToList();
            Assert.Equal(replies.Count - 1, acks.Count); // nothing but acks, then the closing error

            // Acks arrive in sending order with no hole: intake stopped at one point of the stream.
            long first = round * 1_000_000L + 3; // after the two queries of BalanceAsync
            Assert.Equal(Enumerable.Range(0, acks.Count).Select(i => first + i), acks.Select(m => m.Event.ClientSequence));
            ackedSum += acks.Where(m => amounts.ContainsKey(m.Event.ClientSequence)).Sum(m => amounts[m.Event.ClientSequence]);
            ackedFundings += acks.Count(m => fundings.Contains(m.Event.ClientSequence));

            events.AddRange(listener.Broadcasts.Select(e => e.EventSequence));
            lastSeen = listener.LastEventSequence;
            output.WriteLine($"round {round}: {acks.Count} acked of {amounts.Count + fundings.Count} sent; events up to {lastSeen}");
        }

        using DaemonProcess last = await DaemonProcess.StartAsync(dir.Path);
        using var check = new GatewaySession(await last.ConnectAsync());
        Assert.Equal(ackedSum, await BalanceAsync(check));

        // One numbered FundingApplied per acked funding, each seen once, numbered 1..N without a gap.
        Assert.Equal(Enumerable.Range(1, ackedFundings).Select(i => (long)i), events);
    }

    [Fact]
    public async Task A_client_resumes_every_order_across_restarts_that_start_from_a_single_snapshot()
    {
        using var dir = new Scenario.TempDir();
        List<(long, long, long, long)> seen;
        using (DaemonProcess first = await DaemonProcess.StartAsync(dir.Path, "--Snapshots:Retain=1"))
        using (var s = new GatewaySession(await first.ConnectAsync()))
        {
            for (int i = 0; i < 5; i++)
            {
                await s.CommandAsync(new EngineCommand { Kind = CommandKind.Deposit, Account = 100 + i, Asset = 0, Amount = TestInstruments.Usd("100000") });
                await s.CommandAsync(new EngineCommand { Kind = CommandKind.TradeFill, Account = 100 + i, Instrument = 0, Side = 1, Quantity = TestInstruments.Qty("1"), Price = TestInstruments.Px("20000"), Leverage = 10 + i });
            }

            for (int p = 200000; p >= 180000; p -= 50)
            {
                await s.SendAsync(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = 0, Price = p * 10_000_000L });
            }

            await s.WaitForOrdersAsync(5);
            seen = s.Broadcasts.Select(e => (e.EventSequence, e.OrderId, e.Account, e.Quantity)).ToList();
            Assert.Equal(0, await first.TerminateAsync());
        }

        // One snapshot kept and periodic ones off: each restart starts from the one final snapshot, with no journal
        // tail to replay and no older snapshot to rebuild orders from.
        for (int restart = 0; restart < 2; restart++)
        {
            using DaemonProcess again = await DaemonProcess.StartAsync(dir.Path, "--Snapshots:Retain=1");
            Assert.Single(new LiquidationEngine.Persistence.SnapshotStore(dir.Snapshots).List());
            using var resumed = new GatewaySession(await again.ConnectAsync(lastSeen: 0));
            Assert.False(resumed.Client.Welcome.Gap, $"restart {restart}: the order log lost events");
            Assert.Equal(seen.Count, resumed.Client.Welcome.ReplayCount);
            await resumed.WaitForOrdersAsync(5);
            await resumed.StateHashAsync(); // every replayed message precedes this reply
            Assert.Equal(seen, resumed.Broadcasts.Select(e => (e.EventSequence, e.OrderId, e.Account, e.Quantity)));
            Assert.Equal(0, await again.TerminateAsync());
        }
    }
}
