using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using static LiquidationEngine.Tests.Support.DaemonCommands;
using LiquidationEngine.Contracts;
using LiquidationEngine.Gateway;
using LiquidationEngine.Protocol;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>/metrics, the health endpoints and the operator warnings, read from a real daemon process.</summary>
[Collection("daemon processes")]
public class DaemonObservabilityTests
{
    private const int Btc = 0; // BTC-USDT-PERP: tick 0.1, first bracket MMR 0.4 %
    private const int Eth = 1; // ETH-USDT-PERP: tick 0.01, first bracket MMR 0.4 %

    private static readonly string[] Assets = ["USDT", "USDC", "USD"]; // config/instruments.json

    private static EngineCommand Open(long account, int instrument, int side, string qty, string price, int leverage)
        => new() { Kind = CommandKind.TradeFill, Account = account, Instrument = instrument, Side = (sbyte)side, Quantity = Qty(qty), Price = Px(price), Leverage = leverage };

    private static EngineCommand Tick(int instrument, string mark) => new() { Kind = CommandKind.MarkTick, Instrument = instrument, Price = Px(mark) };

    [Fact]
    public async Task Every_metric_has_a_sample_from_the_first_scrape_and_then_counts_what_the_engine_did()
    {
        using var dir = new Scenario.TempDir();
        double started = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Journal:FsyncPolicy=EveryBatch");

        PrometheusText first = await daemon.MetricsAsync();
        foreach (string counter in new[] { "liqengine_ticks_total", "liqengine_commands_total", "liqengine_journal_written_bytes_total", "liqengine_snapshots_total", "liqengine_snapshot_failures_total" })
        {
            Assert.Equal(0, first.Value(counter));
            Assert.Equal("counter", first.Types[counter]);
        }

        foreach (string kind in new[] { "full", "partial", "adl" })
        {
            Assert.Equal(0, first.Value("liqengine_orders_total", ("kind", kind)));
        }

        Assert.Equal(0, first.Value("liqengine_rejects_total", ("reason", "InsufficientBalance")));
        Assert.Equal(0, first.Value("liqengine_gateway_disconnects_total", ("reason", "outbound_overrun")));
        Assert.Equal(0, first.Value("liqengine_gateway_frames_rejected_total", ("reason", "bad_checksum")));
        foreach (string stage in new[] { "writer", "journal", "output" })
        {
            Assert.Equal(0, first.Value("liqengine_stage_faulted", ("stage", stage)));
        }

        foreach (string asset in Assets)
        {
            Assert.Equal(0, first.Value("liqengine_insurance_fund_balance", ("asset", asset)));
        }

        Assert.Equal(0, first.Value("liqengine_open_positions"));
        Assert.Equal(0, first.Value("liqengine_open_orders"));
        Assert.Equal(0, first.Value("liqengine_ring_lag"));
        Assert.Equal(0, first.Value("liqengine_journal_lag"));
        Assert.Equal(-1, first.Value("liqengine_applied_sequence"));
        Assert.Empty(first.Find("liqengine_last_tick_timestamp_seconds")); // no tick yet: no sample, not a sentinel

        PrometheusSample build = Assert.Single(first.Find("liqengine_build_info"));
        Assert.Equal(1, build.Value);
        Assert.Matches("^[0-9]+\\.[0-9]+\\.[0-9]+", build.Labels["version"]);
        Assert.Matches("^([0-9a-f]{40}|unknown)$", build.Labels["commit"]);
        Assert.StartsWith(".NET 10", build.Labels["runtime"], StringComparison.Ordinal);
        Assert.InRange(first.Value("liqengine_process_start_time_seconds"), started - 60, started + 60);
        Assert.True(first.Value("liqengine_process_open_fds") > 0);
        Assert.True(first.Find("dotnet_gc_collections_total").Any());
        Assert.True(first.Find("dotnet_process_memory_working_set_bytes").Single().Value > 0);
        Assert.True(first.Find("dotnet_process_cpu_time_seconds_total").Any());

        // A bankrupt BTC long with profitable shorts opposite: the no-fill deleverages two of them (ADL).
        using var s = new GatewaySession(await daemon.ConnectAsync());
        var commands = new List<EngineCommand> { Deposit(1, "100000"), Open(1, Btc, +1, "1", "20000", 10) };
        foreach ((long account, string price, int leverage) in new[] { (2L, "20000", 10), (3L, "20000", 2), (4L, "16000", 10) })
        {
            commands.Add(Deposit(account, "100000"));
            commands.Add(Open(account, Btc, -1, "0.5", price, leverage));
        }

        foreach (EngineCommand c in commands)
        {
            Assert.Equal(MessageType.Ack, (await s.CommandAsync(c)).Type);
        }

        Assert.Equal(MessageType.Reject, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.Withdraw, Account = 1, Asset = 0, Amount = Usd("999999999") })).Type);
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(Tick(Btc, "17000"))).Type);
        await s.WaitForOrdersAsync(1);
        Assert.Equal(1, (await daemon.MetricsAsync()).Value("liqengine_open_orders"));
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.LiquidationNoFill, Aux = s.Orders[0].OrderId })).Type);
        await s.WaitForOrdersAsync(3);

        // A bankrupt ETH long with nobody opposite: the fund takes it over past its balance.
        // Long 1 ETH at 3,000 with 10x: M = 300, BP = 3,000 − 300 = 2,700. The mark 2,600 is below the liquidation
        // price ((300 − 3,000)/(0.004 − 1) = 2,710.84); the no-fill takeover at BP costs the fund (2,700 − 2,600) × 1 = 100.
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(Open(1, Eth, +1, "1", "3000", 10))).Type);
        double beforeTick = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(Tick(Eth, "2600"))).Type); // the last tick
        double afterTick = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        await s.WaitForOrdersAsync(4);
        Assert.Equal(MessageType.Ack, (await s.CommandAsync(new EngineCommand { Kind = CommandKind.LiquidationNoFill, Aux = s.Orders[^1].OrderId })).Type);
        await s.StateHashAsync();

        PrometheusText after = await WaitForAsync(daemon, m => m.Value("liqengine_insurance_fund_balance", ("asset", "USDT")) < 0);
        Assert.Equal(2, after.Value("liqengine_ticks_total"));
        Assert.True(after.Value("liqengine_commands_total") >= commands.Count + 4); // + reject, ETH open, 2 no-fills
        Assert.Equal(1, after.Value("liqengine_rejects_total", ("reason", "InsufficientBalance")));
        Assert.Equal(2, after.Value("liqengine_orders_total", ("kind", "full")));
        Assert.Equal(2, after.Value("liqengine_orders_total", ("kind", "adl")));
        Assert.Equal(-100, after.Value("liqengine_insurance_fund_balance", ("asset", "USDT")));
        Assert.Equal(0, after.Value("liqengine_insurance_fund_balance", ("asset", "USDC")));
        Assert.Equal(1, after.Value("liqengine_open_positions")); // only C's short is left
        Assert.Equal(0, after.Value("liqengine_open_orders"));
        Assert.Equal(0, after.Value("liqengine_journal_lag"));
        double tickedAt = after.Value("liqengine_last_tick_timestamp_seconds");
        Assert.True(tickedAt >= beforeTick - 0.01 && tickedAt <= afterTick + 0.01, $"tick at {tickedAt:F3}, sent within [{beforeTick:F3}, {afterTick:F3}]");
        Assert.True(after.Value("liqengine_journal_written_bytes_total") >= (commands.Count + 6) * 88);
        Assert.True(after.Value("liqengine_journal_fsync_seconds_count") > 0);
        Assert.True(after.Value("liqengine_gateway_reply_latency_seconds_count") >= commands.Count);
        Assert.Equal(after.Value("liqengine_gateway_reply_latency_seconds_count"), after.Value("liqengine_gateway_reply_latency_seconds_bucket", ("le", "+Inf")));

        // The warnings come from the events, logged off the writer and output threads within a second.
        await WaitForLogAsync(daemon, "The USDT insurance fund is below zero: -100");
        int adlLogged = Regex.Matches(daemon.Output, "Auto-deleveraging fired: ([0-9]+) ADL orders").Sum(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Equal(2, adlLogged);
        Assert.Matches("warn: .*\\n\\s+Auto-deleveraging fired", daemon.Output);
        Assert.Equal(0, await daemon.TerminateAsync());
    }

    [Fact]
    public async Task Health_answers_live_ready_and_the_alias_to_get_and_head_and_shows_the_live_and_the_recovered_sequence()
    {
        using var dir = new Scenario.TempDir();
        long finalSequence;
        using (DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path))
        {
            foreach (string path in new[] { "/health", "/health/ready", "/health/live" })
            {
                (int status, string body, string? type) = await daemon.SendAsync(HttpMethod.Get, path);
                Assert.Equal((200, "application/json"), (status, type));
                using JsonDocument json = JsonDocument.Parse(body);
                Assert.Equal(path == "/health/live" ? "live" : "ready", json.RootElement.GetProperty("status").GetString());
                Assert.Equal(-1, json.RootElement.GetProperty("recoveredSequence").GetInt64());

                (int headStatus, string headBody, _) = await daemon.SendAsync(HttpMethod.Head, path);
                Assert.Equal((200, string.Empty), (headStatus, headBody));
                Assert.Equal(405, (await daemon.SendAsync(HttpMethod.Post, path)).Status);
            }

            Assert.Equal(200, (await daemon.SendAsync(HttpMethod.Head, "/metrics")).Status);
            Assert.Equal(405, (await daemon.SendAsync(HttpMethod.Delete, "/metrics")).Status);
            Assert.Equal(405, (await daemon.SendAsync(HttpMethod.Put, "/accounts/1")).Status);

            using var s = new GatewaySession(await daemon.ConnectAsync());
            for (int i = 0; i < 5; i++)
            {
                await s.CommandAsync(Deposit(9, "1"));
            }

            using JsonDocument health = JsonDocument.Parse((await daemon.GetAsync("/health")).Body);
            finalSequence = health.RootElement.GetProperty("sequence").GetInt64();
            Assert.True(finalSequence >= 4, $"live sequence {finalSequence}");
            Assert.Equal(-1, health.RootElement.GetProperty("recoveredSequence").GetInt64()); // what recovery gave, not the live one
            Assert.Equal(0, await daemon.TerminateAsync());
        }

        // The final snapshot is one more input in the ring.
        using DaemonProcess again = await DaemonProcess.StartAsync(dir.Path);
        using JsonDocument restarted = JsonDocument.Parse((await again.GetAsync("/health")).Body);
        Assert.Equal(finalSequence + 1, restarted.RootElement.GetProperty("recoveredSequence").GetInt64());
        Assert.Equal(finalSequence + 1, restarted.RootElement.GetProperty("sequence").GetInt64());
    }

    [Fact]
    public async Task Stale_ticks_make_the_daemon_unready_but_still_live()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Admin:MaxTickAgeSeconds=1");
        using var s = new GatewaySession(await daemon.ConnectAsync());
        await s.CommandAsync(Tick(Btc, "20000"));
        Assert.Equal(200, (await daemon.GetAsync("/health/ready")).Status);

        await Task.Delay(1500);

        (int status, string body) = await daemon.GetAsync("/health/ready");
        Assert.Equal(503, status);
        Assert.Contains("\"status\":\"stale_ticks\"", body, StringComparison.Ordinal);
        Assert.Equal(503, (await daemon.GetAsync("/health")).Status);
        Assert.Equal(200, (await daemon.GetAsync("/health/live")).Status);
    }

    [Fact]
    public async Task With_an_admin_secret_queries_need_the_bearer_token_and_probes_and_scrapes_do_not()
    {
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Admin:SharedSecret=s3cret");
        using var s = new GatewaySession(await daemon.ConnectAsync());
        await s.CommandAsync(Deposit(3, "10"));

        Assert.Equal(401, (await daemon.SendAsync(HttpMethod.Get, "/accounts/3")).Status);
        Assert.Equal(401, (await daemon.SendAsync(HttpMethod.Get, "/accounts/3", bearer: "wrong")).Status);
        Assert.Equal(200, (await daemon.SendAsync(HttpMethod.Get, "/accounts/3", bearer: "s3cret")).Status);
        Assert.Equal(200, (await daemon.SendAsync(HttpMethod.Get, "/health")).Status);
        Assert.Equal(200, (await daemon.SendAsync(HttpMethod.Get, "/metrics")).Status);
        Assert.DoesNotContain("without a shared secret", daemon.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Binding_the_gateway_or_admin_off_loopback_without_a_secret_logs_a_warning()
    {
        using var dir = new Scenario.TempDir();
        using (DaemonProcess open = await DaemonProcess.StartAsync(dir.Path, "--Gateway:Address=0.0.0.0", "--Admin:Address=0.0.0.0"))
        {
            Assert.Contains("Gateway listens on 0.0.0.0, off loopback, without a shared secret", open.Output, StringComparison.Ordinal);
            Assert.Contains("Admin listens on 0.0.0.0, off loopback, without a shared secret", open.Output, StringComparison.Ordinal);
        }

        using DaemonProcess guarded = await DaemonProcess.StartAsync(dir.Path, "--Gateway:Address=0.0.0.0", "--Gateway:SharedSecret=k", "--Admin:Address=0.0.0.0", "--Admin:SharedSecret=k");
        Assert.DoesNotContain("without a shared secret", guarded.Output, StringComparison.Ordinal);
    }

    internal static async Task<PrometheusText> WaitForAsync(DaemonProcess daemon, Func<PrometheusText, bool> condition, int seconds = 15)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            PrometheusText m = await daemon.MetricsAsync();
            if (condition(m))
            {
                return m;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), "metrics never reached the expected state");
            await Task.Delay(50);
        }
    }

    private static async Task WaitForLogAsync(DaemonProcess daemon, string text, int seconds = 10)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!daemon.Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(seconds), $"never logged: {text}\n{daemon.Output}");
            await Task.Delay(50);
        }
    }
}
