using System.Text.Json;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using static LiquidationEngine.Tests.Support.DaemonCommands;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Instruments;
using LiquidationEngine.Persistence;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Protocol;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>End-to-end: the built liqengine daemon process, driven over real loopback sockets.</summary>
[Collection("daemon processes")]
public class DaemonIntegrationTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Btc = 0; // BTC-USDT-PERP in config/instruments.json: tick 0.1, lot 0.001, first bracket MMR 0.4 % up to 50,000.

    private static InstrumentCatalog ConfigCatalog() => InstrumentCatalog.Load(ConfigPath("instruments.json"));

    private static EngineCommand Tick(string mark, long timestampUs = 0) => new() { Kind = CommandKind.MarkTick, Instrument = Btc, Price = Px(mark), TimestampUs = timestampUs };

    [Fact]
    public async Task A_long_is_liquidated_only_once_the_mark_crosses_its_hand_computed_liquidation_price()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path);
        using var s = new GatewaySession(await daemon.ConnectAsync());

        Assert.Equal(MessageType.Ack, (await s.CommandAsync(Deposit(7, "10000"))).Type);
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(OpenLong(7, "1", "20000", 10))).Type);

        // Long 1 BTC at 20,000 with 10x: M = IM = 2,000; bracket 1 (MMR 0.4 %, cum 0) holds at the liquidation price.
        // LP = (M + cum − q·EP)/(q·MMR − q) = (2,000 − 20,000)/(0.004 − 1) = 18,072.289156626…, shown rounded up.
        // BP = EP − M/q = 18,000.
        GatewayMessage position = await s.CommandAsync(new EngineCommand { Kind = CommandKind.QueryPosition, Account = 7, Instrument = Btc });
        Assert.Equal(MessageType.PositionState, position.Type);
        Assert.Equal(Px("18072.28915663"), position.Event.LiquidationPrice);
        Assert.Equal(Px("18000"), position.Event.BankruptcyPrice);
        Assert.Equal(Usd("2000"), position.Event.Margin);

        (int status, string body) = await daemon.GetAsync($"/positions/{position.Event.PositionId}");
        Assert.Equal(200, status);
        using (JsonDocument json = JsonDocument.Parse(body))
        {
            Assert.Equal("18072.28915663", json.RootElement.GetProperty("liquidationPrice").GetString());
            Assert.Equal("18000", json.RootElement.GetProperty("bankruptcyPrice").GetString());
            Assert.Equal("2000", json.RootElement.GetProperty("margin").GetString());
        }

        // At 18,072.3: equity 72.3 ≥ MM 72.2892 — no order. At 18,072.2: equity 72.2 < MM 72.2888 — liquidate.
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(Tick("18072.3"))).Type);
        Assert.Empty(s.Orders);
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(Tick("18072.2"))).Type);
        await s.WaitForOrdersAsync(1);

        EngineEvent order = Assert.Single(s.Orders);
        Assert.Equal(EventKind.LiquidationOrder, order.Kind);
        Assert.Equal(OrderKind.Full, order.OrderKind);
        Assert.Equal(-1, order.Side);
        Assert.Equal(Qty("1"), order.Quantity);
        Assert.Equal(Px("18000"), order.Price);
        Assert.Equal(Px("18072.2"), order.TriggerMark);
        Assert.Equal(7, order.Account);
        Assert.True(order.EventSequence > 0);
    }

    [Fact]
    public async Task Every_command_is_answered_with_an_ack_or_a_reject_reason_echoing_its_client_sequence()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path);
        using var s = new GatewaySession(await daemon.ConnectAsync());

        GatewayMessage ok = await s.CommandAsync(Deposit(1, "100") with { ClientSequence = 4242 });
        GatewayMessage poor = await s.CommandAsync(new EngineCommand { Kind = CommandKind.Withdraw, Account = 1, Asset = Usdt, Amount = Usd("101"), ClientSequence = 4243 });
        GatewayMessage nowhere = await s.CommandAsync(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = 9999, Price = Px("1"), ClientSequence = 4244 });
        GatewayMessage frozen = await s.CommandAsync(new EngineCommand { Kind = CommandKind.AddMargin, Account = 1, Instrument = Btc, Amount = Usd("1"), ClientSequence = 4245 });

        Assert.Equal((MessageType.Ack, 4242L), (ok.Type, ok.Event.ClientSequence));
        Assert.Equal((MessageType.Reject, RejectReason.InsufficientBalance, 4243L), (poor.Type, poor.Event.Reason, poor.Event.ClientSequence));
        Assert.Equal((MessageType.Reject, RejectReason.UnknownInstrument), (nowhere.Type, nowhere.Event.Reason));
        Assert.Equal((MessageType.Reject, RejectReason.UnknownPosition), (frozen.Type, frozen.Event.Reason));
        (int status, string body) = await daemon.GetAsync("/accounts/1");
        Assert.Equal(200, status);
        Assert.Contains("\"balance\":\"100\"", body, StringComparison.Ordinal);
        Assert.Equal(404, (await daemon.GetAsync("/accounts/999")).Status);
    }

    [Fact]
    public async Task After_kill_9_mid_stream_recovery_keeps_the_state_hash_and_every_order_and_a_resumed_client_misses_and_repeats_none()
    {
        using var dir = new Scenario.TempDir();
        var setup = new List<EngineCommand>();
        for (int i = 0; i < 20; i++)
        {
            setup.Add(Deposit(1000 + i, "100000"));
            setup.Add(OpenLong(1000 + i, "1", "20000", 10 + i)); // liquidation prices from ~18,072 (10x) to ~19,388 (29x)
        }

        var ticks = new List<EngineCommand>();
        for (int i = 0; i < 20_000; i++)
        {
            // 20,000 down to 18,000.1 in 0.1 steps: the orders are spread over the second two thirds of the stream.
            ticks.Add(Tick(((200000 - i) / 10m).ToString(System.Globalization.CultureInfo.InvariantCulture), 1_700_000_000_000_000 + i) with { ClientSequence = 100_000 + i });
        }

        var journaled = new List<EngineCommand>();
        List<EngineEvent> before;
        long lastSeen;
        int ackedTicks = 0;
        ulong hashAfterSetup;
        using (DaemonProcess first = await DaemonProcess.StartAsync(dir.Path))
        using (var s = new GatewaySession(await first.ConnectAsync()))
        {
            foreach (EngineCommand c in setup)
            {
                EngineCommand sent = c with { ClientSequence = s.NextClientSequence(), TimestampUs = 1_600_000_000_000_000 };
                Assert.Equal(MessageType.Ack, (await s.CommandAsync(sent)).Type);
                journaled.Add(sent);
            }

            hashAfterSetup = await s.StateHashAsync();
            journaled.Add(new EngineCommand { Kind = CommandKind.QueryStateHash });

            // Stream ticks without waiting for acks; once orders flow, send a burst and kill -9 right behind it,
            // while the daemon is still reading, journaling and applying it.
            foreach (EngineCommand t in ticks.Take(9_000))
            {
                await s.SendAsync(t);
            }

            await s.WaitForOrdersAsync(3);
            foreach (EngineCommand t in ticks.Skip(9_000).Take(3_000))
            {
                await s.SendAsync(t);
            }

            first.Kill();
            await s.WaitClosedAsync();
            ackedTicks = s.DrainReplies().Count(m => m.Type == MessageType.Ack && m.Event.ClientSequence >= 100_000);

            before = s.Orders;
            lastSeen = s.LastEventSequence;
        }

        Assert.True(before.Count >= 3);
        using DaemonProcess second = await DaemonProcess.StartAsync(dir.Path);

        // Everyone who connects from the start still sees every order released before the kill, unchanged.
        using (var everything = new GatewaySession(await second.ConnectAsync(lastSeen: 0)))
        {
            await everything.WaitForOrdersAsync(before.Count);
            Assert.Equal(before.Select(Key), everything.Orders.Take(before.Count).Select(Key));
        }

        using var resumed = new GatewaySession(await second.ConnectAsync(lastSeen: lastSeen), firstClientSequence: 500_000);
        GatewayMessage hashReply = await resumed.CommandAsync(new EngineCommand { Kind = CommandKind.QueryStateHash });
        int tickJournaled = (int)(hashReply.Event.InputSequence - journaled.Count);
        output.WriteLine($"killed after {before.Count} orders; {ackedTicks} ticks acked, {tickJournaled} of {ticks.Count} journaled; resume after event {lastSeen}");
        Assert.True(tickJournaled >= ackedTicks, $"{ackedTicks} ticks were acked but only {tickJournaled} survived");
        journaled.AddRange(ticks.Take(tickJournaled));

        // The hash after recovery is the hash of exactly the journaled inputs, as an uninterrupted engine computes it.
        var mirror = new Mirror(ConfigCatalog());
        mirror.ApplyAll(journaled);
        Assert.Equal(hashAfterSetup, mirror.HashAfter(setup.Count));
        Assert.Equal(mirror.Hash(), hashReply.Event.StateHash);
        Assert.Equal(second.RecoveredStateHash, mirror.Hash().ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        journaled.Add(new EngineCommand { Kind = CommandKind.QueryStateHash });

        // The client resends what was never journaled and goes on; every position ends up liquidated once.
        foreach (EngineCommand t in ticks.Skip(tickJournaled))
        {
            await resumed.SendAsync(t);
            journaled.Add(t);
        }

        ulong finalHash = await resumed.StateHashAsync();
        journaled.Add(new EngineCommand { Kind = CommandKind.QueryStateHash });
        mirror = new Mirror(ConfigCatalog());
        mirror.ApplyAll(journaled);
        List<EngineEvent> expected = mirror.Orders;
        await resumed.WaitForOrdersAsync(expected.Count - before.Count);

        List<EngineEvent> seen = [.. before, .. resumed.Orders];
        Assert.Equal(20, expected.Count);
        Assert.Equal(expected.Select(Key), seen.Select(Key));
        Assert.Equal(seen.Count, seen.Select(o => o.OrderId).Distinct().Count());
        Assert.Equal(mirror.Hash(), finalHash);

        string metrics = (await second.GetAsync("/metrics")).Body;
        foreach (string line in metrics.Split('\n').Where(l => l.StartsWith("liqengine_gateway_reply_latency_seconds_", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        // And a replay of the journal reproduces the very same orders.
        Assert.Equal(0, await second.TerminateAsync());
        JournalReplayResult replay = JournalReplay.Run(dir.Path, ConfigCatalog(), null);
        Assert.Equal(expected.Select(Key), replay.Orders.Select(Key));
        Assert.Equal(finalHash, replay.FinalStateHash);
    }

    [Fact]
    public async Task A_graceful_stop_drains_writes_a_snapshot_and_the_restart_has_the_same_state_hash()
    {
        using var dir = new Scenario.TempDir();
        ulong before;
        using (DaemonProcess first = await DaemonProcess.StartAsync(dir.Path))
        using (var s = new GatewaySession(await first.ConnectAsync()))
        {
            await s.CommandAsync(Deposit(5, "5000"));
            await s.CommandAsync(OpenLong(5, "0.5", "20000", 20));
            await s.CommandAsync(Tick("19990"));
            before = await s.StateHashAsync();
            Assert.Equal(0, await first.TerminateAsync());
            Assert.Contains("final snapshot True", first.Output, StringComparison.Ordinal);
        }

        Assert.Single(new SnapshotStore(dir.Snapshots).List());
        using DaemonProcess second = await DaemonProcess.StartAsync(dir.Path);
        using var again = new GatewaySession(await second.ConnectAsync());
        Assert.Equal(before, await again.StateHashAsync());
        Assert.Equal(before.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), second.RecoveredStateHash);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_and_the_writer_keeps_applying_other_clients_inputs()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Gateway:OutboundBufferBytes=4096", "--Gateway:SocketSendBufferBytes=4096");
        using var good = new GatewaySession(await daemon.ConnectAsync());
        using GatewayClient slow = await daemon.ConnectAsync(receiveBufferBytes: 1024);

        // The slow client floods ticks (each earns it an ack) and never reads a byte.
        bool cut = false;
        for (int i = 0; i < 200_000 && !cut; i++)
        {
            try
            {
                await slow.SendAsync(Tick("20000") with { ClientSequence = i + 1 }, DaemonProcess.Timeout(10));
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException or OperationCanceledException)
            {
                cut = true;
            }

            if (i % 500 == 0 && (await daemon.MetricsAsync()).Value("liqengine_gateway_disconnects_total", ("reason", "outbound_overrun")) > 0)
            {
                cut = true;
            }
        }

        Assert.True(cut, "the slow client was never disconnected");
        Assert.Equal(1, (await daemon.MetricsAsync()).Value("liqengine_gateway_disconnects_total", ("reason", "outbound_overrun")));
        Assert.Equal(MessageType.Ack, (await good.CommandAsync(Deposit(77, "1"))).Type);
        Assert.Equal(MessageType.AccountBalance, (await good.CommandAsync(new EngineCommand { Kind = CommandKind.QueryAccount, Account = 77 })).Type);
        Assert.Equal(200, (await daemon.GetAsync("/health")).Status);
    }

    [Fact]
    public async Task The_python_reference_client_connects_sends_commands_and_prints_the_order_it_receives()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path);
        string script = Path.Combine(Scenario.RepoRoot(), "examples", "python", "client.py");
        var info = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { script, "--host", daemon.Host, "--port", daemon.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--account", "31", "--quiet-acks" })
        {
            info.ArgumentList.Add(a);
        }

        using System.Diagnostics.Process python = System.Diagnostics.Process.Start(info)!;
        Task<string> stdout = python.StandardOutput.ReadToEndAsync();
        Task<string> stderr = python.StandardError.ReadToEndAsync();
        await python.WaitForExitAsync(DaemonProcess.Timeout(60));
        string output = await stdout;

        Assert.True(python.ExitCode == 0, $"client.py exited {python.ExitCode}: {output}\n{await stderr}");
        Assert.Contains("ORDER LiquidationOrder", output, StringComparison.Ordinal);
        Assert.Contains("account=31", output, StringComparison.Ordinal);
        Assert.Contains("sell 1 limit=18000 mark=18000", output, StringComparison.Ordinal);
        Assert.Contains("liquidation=18072.28915663", output, StringComparison.Ordinal);
    }

    /// <summary>What identifies an order on the wire (source ids are not sent).</summary>
    private static (long, long, long, long, int, int, long, long, long, OrderKind, long, long) Key(EngineEvent e)
        => (e.EventSequence, e.OrderId, e.PositionId, e.Account, e.Instrument, e.Side, e.Quantity, e.Price, e.TriggerMark, e.OrderKind, e.InputSequence, e.TimestampUs);

    /// <summary>The same inputs through an in-process writer core: what an uninterrupted engine computes.</summary>
    private sealed class Mirror
    {
        private readonly EngineState _state;
        private readonly EventLog _log = new();
        private readonly EngineCore _core;
        private readonly List<ulong> _hashes = [];

        public Mirror(InstrumentCatalog catalog)
        {
            _state = new EngineState(catalog, 4096, 1024, 1024);
            _core = new EngineCore(_state, _log);
        }

        public List<EngineEvent> Orders => _log.Events.Where(e => e.Kind is EventKind.LiquidationOrder or EventKind.AdlOrder).ToList();

        public void ApplyAll(IEnumerable<EngineCommand> commands)
        {
            long sequence = 0;
            foreach (EngineCommand command in commands)
            {
                EngineCommand c = command with { SourceId = 1 };
                _core.Apply(ref c, sequence++);
                _hashes.Add(StateHasher.Compute(_state));
            }
        }

        public ulong HashAfter(int inputs) => _hashes[inputs - 1];

        public ulong Hash() => StateHasher.Compute(_state);
    }
}

/// <summary>Daemon tests start processes: run them one at a time (2 shared cores).</summary>
[CollectionDefinition("daemon processes", DisableParallelization = true)]
public class DaemonProcesses;
