using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Host.Daemon;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Host;

/// <summary>The files in deploy/ against the real daemon: every metric and label value the alert rules and the
/// dashboard query exists in a running daemon's /metrics, and the systemd unit agrees with the exit codes.
/// (deploy/check.sh also runs promtool on the rules and their unit tests, and systemd-analyze on the unit.)</summary>
[Collection("daemon processes")]
public partial class DeployFilesTests
{
    private static string Deploy(string file) => Path.Combine(Scenario.RepoRoot(), "deploy", file);

    [Fact]
    public async Task Every_metric_the_alert_rules_and_the_dashboard_query_is_exported_by_a_running_daemon()
    {
        string alerts = await File.ReadAllTextAsync(Deploy("prometheus/liqengine-alerts.yml"));
        using JsonDocument dashboard = JsonDocument.Parse(await File.ReadAllTextAsync(Deploy("grafana/liqengine-dashboard.json")));
        List<string> expressions = [.. AlertExpressions(alerts), .. DashboardExpressions(dashboard.RootElement)];
        Assert.True(expressions.Count >= 30, $"only {expressions.Count} expressions found");

        // The alert rules the issue asks for are there.
        foreach (string alert in new[] { "LiqEngineStageFaulted", "LiqEngineStaleTicks", "LiqEngineRingLag", "LiqEngineInsuranceFundBelowZero", "LiqEngineJournalFsyncSlow" })
        {
            Assert.Contains($"alert: {alert}", alerts, StringComparison.Ordinal);
        }

        // A daemon that has done everything once: a tick, an fsync, a gateway reply, a snapshot, a liquidation.
        using var dir = new Scenario.TempDir();
        using DaemonProcess daemon = await DaemonProcess.StartAsync(dir.Path, "--Journal:FsyncPolicy=EveryBatch", "--Snapshots:IntervalSeconds=1");
        using var s = new GatewaySession(await daemon.ConnectAsync());
        await s.CommandAsync(new EngineCommand { Kind = CommandKind.Deposit, Account = 1, Amount = Usd("10000") });
        await s.CommandAsync(new EngineCommand { Kind = CommandKind.TradeFill, Account = 1, Instrument = 0, Side = 1, Quantity = Qty("1"), Price = Px("20000"), Leverage = 10 });
        await s.CommandAsync(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = 0, Price = Px("17000") });
        await s.WaitForOrdersAsync(1);
        PrometheusText metrics = await DaemonObservabilityTests.WaitForAsync(daemon, m => m.Value("liqengine_snapshots_total") >= 1);
        var exported = new HashSet<string>(metrics.Names, StringComparer.Ordinal);

        var missing = new List<string>();
        foreach (string expression in expressions)
        {
            foreach (Match selector in Selector().Matches(expression))
            {
                string name = selector.Groups["name"].Value;
                if (name == "up")
                {
                    continue; // Prometheus's own, per scrape target
                }

                if (!exported.Contains(name))
                {
                    missing.Add($"{name} (in {expression})");
                    continue;
                }

                // Label values the expression selects on (job and instance are the scraper's).
                foreach (Match matcher in Matcher().Matches(selector.Groups["labels"].Value))
                {
                    string key = matcher.Groups["key"].Value;
                    string value = matcher.Groups["value"].Value;
                    if (key is "job" or "instance" || matcher.Groups["op"].Value != "=")
                    {
                        continue;
                    }

                    if (!metrics.Find(name, (key, value)).Any())
                    {
                        missing.Add($"{name}{{{key}=\"{value}\"}} (in {expression})");
                    }
                }
            }
        }

        Assert.Empty(missing);
    }

    [Fact]
    public async Task The_systemd_unit_waits_for_readiness_and_restarts_exactly_on_the_restartable_exit_codes()
    {
        Dictionary<string, string> unit = (await File.ReadAllLinesAsync(Deploy("liqengine.service")))
            .Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => g.Last()[1]);

        Assert.Equal("notify", unit["Type"]);
        Assert.Matches("/liqengine run( |$)", unit["ExecStart"]);
        Assert.Equal("on-failure", unit["Restart"]);
        Assert.Equal(
            new[] { DaemonExitCodes.StartFailed, DaemonExitCodes.BadConfiguration }.Order(),
            unit["RestartPreventExitStatus"].Split(' ').Select(int.Parse).Order());

        // systemd must not SIGKILL a daemon that is still inside its own shutdown timeout (default 30 s).
        Assert.True(int.Parse(unit["TimeoutStopSec"], System.Globalization.CultureInfo.InvariantCulture) > new DaemonSettings().ShutdownTimeoutSeconds);
    }

    private static IEnumerable<string> AlertExpressions(string yaml)
        => yaml.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("expr: ", StringComparison.Ordinal)).Select(l => l["expr: ".Length..]);

    private static IEnumerable<string> DashboardExpressions(JsonElement dashboard)
        => dashboard.GetProperty("panels").EnumerateArray()
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!);

    /// <summary>A metric name (ours, the runtime's, or Prometheus's <c>up</c>) with its optional label selector.</summary>
    [GeneratedRegex("\\b(?<name>(liqengine_|dotnet_)\\w+|up)\\b(\\{(?<labels>[^}]*)\\})?")]
    private static partial Regex Selector();

    [GeneratedRegex("(?<key>\\w+)\\s*(?<op>=~|!=|!~|=)\\s*\"(?<value>[^\"]*)\"")]
    private static partial Regex Matcher();
}
