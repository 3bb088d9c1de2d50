using System.Text.Json;
using LiquidationEngine.Host.Replay;
using LiquidationEngine.Numerics;
using LiquidationEngine.Replay;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

/// <summary>The main job: <c>replay</c> with no input runs the embedded crash-and-recovery scenario, the same every time.</summary>
public sealed class BuiltInScenarioTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Two_runs_of_the_built_in_scenario_give_identical_liquidation_files_state_hash_and_summary()
    {
        (ReplayOutcome first, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("first")));
        (ReplayOutcome second, _) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("second")));
        Assert.True(first.ExitCode == 0, printed);
        Assert.Equal(0, second.ExitCode);

        Assert.Equal(100_000, first.Result!.BookPositions);
        Assert.Equal(ReplayTestKit.Sha256(first.LiquidationsCsv!), ReplayTestKit.Sha256(second.LiquidationsCsv!));
        Assert.Equal(ReplayTestKit.Sha256(first.LiquidationsJsonl!), ReplayTestKit.Sha256(second.LiquidationsJsonl!));
        Assert.Equal(first.Result.StateHash, second.Result!.StateHash);
        Assert.Equal(first.Result.DeterministicLines(ReplayTestKit.Catalog), second.Result.DeterministicLines(ReplayTestKit.Catalog));

        // The summary is printed, and says where the liquidations went.
        Assert.Contains("Replay summary", printed, StringComparison.Ordinal);
        Assert.Contains($"state hash {first.Result.StateHash:x16}", printed, StringComparison.Ordinal);

        CheckAgainstTheScenario(first);
        CheckJsonLinesAgainstTheCsv(first);
    }

    [Fact]
    public void The_default_run_writes_the_summary_with_the_report_path_and_a_self_contained_report()
    {
        (ReplayOutcome outcome, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("report")) with { NoReport = false, GeneratePositions = 5_000, StepSeconds = 10 });
        Assert.True(outcome.ExitCode == 0, printed);
        Assert.Contains($"report       {outcome.ReportPath}", printed, StringComparison.Ordinal);

        string html = File.ReadAllText(outcome.ReportPath!);
        Assert.Equal(4, CountOf(html, "<svg class=\"chart\""));
        Assert.Equal(4, CountOf(html, ">funding +0.0"));
        Assert.Contains("Largest liquidations", html, StringComparison.Ordinal);
        Assert.InRange(CountOf(html, "<tr><td>2025-01-"), 1, HtmlReport.LargestRows);

        // Self-contained: no script, style sheet, image or font from anywhere; the only URL is the SVG namespace.
        Assert.DoesNotContain("<script src", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(CountOf(html, "http"), CountOf(html, "xmlns=\"http://www.w3.org/2000/svg\""));
    }

    public void Dispose() => _dir.Dispose();

    /// <summary>The JSON Lines file says what the CSV says, row for row: every line a JSON object with the CSV's
    /// columns in order, decimals as strings, ids as numbers, no cause as null.</summary>
    private static void CheckJsonLinesAgainstTheCsv(ReplayOutcome outcome)
    {
        List<Dictionary<string, string>> rows = ReplayTestKit.ReadCsv(outcome.LiquidationsCsv!);
        string[] lines = File.ReadAllLines(outcome.LiquidationsJsonl!);
        string[] columns = LiquidationLog.CsvHeader.Split(',');
        string[] numbers = ["event_seq", "input_seq", "timestamp_us", "order_id", "cause_order_id", "position_id", "account"];
        Assert.NotEmpty(rows);
        Assert.Equal(rows.Count, lines.Length);
        for (int i = 0; i < rows.Count; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            var properties = doc.RootElement.EnumerateObject().ToList();
            Assert.Equal(columns, properties.Select(p => p.Name));
            foreach (JsonProperty p in properties)
            {
                string csv = rows[i][p.Name];
                JsonValueKind expected = csv.Length == 0 && numbers.Contains(p.Name) ? JsonValueKind.Null
                    : numbers.Contains(p.Name) ? JsonValueKind.Number : JsonValueKind.String;
                Assert.Equal(expected, p.Value.ValueKind);
                Assert.Equal(csv, expected == JsonValueKind.String ? p.Value.GetString() : csv.Length == 0 ? "" : p.Value.GetRawText());
            }
        }
    }

    /// <summary>Checks the liquidations file against facts computed independently of the replay.</summary>
    private static void CheckAgainstTheScenario(ReplayOutcome outcome)
    {
        ReplayResult result = outcome.Result!;
        List<Dictionary<string, string>> rows = ReplayTestKit.ReadCsv(outcome.LiquidationsCsv!);
        var orders = rows.Where(r => r["record"] == "order").ToDictionary(r => r["order_id"]);
        var settlements = rows.Where(r => r["record"] is "fill" or "takeover").ToList();

        // Two funding settlements on four instruments; every order answered; the crash gaps some orders past their limit.
        Assert.Equal(8, result.FundingSettlements);
        Assert.Equal(orders.Count, settlements.Count);
        Assert.Equal(result.OrdersByKind[1] + result.OrdersByKind[2], orders.Count);
        Assert.Equal(0, result.OpenOrdersAtEnd);
        Assert.Equal(0, result.ExecutionRejects);
        Assert.True(result.Takeovers > 0, "the flash leg should leave some orders unfilled");
        Assert.Contains(orders.Values, o => o["side"] == "sell");
        Assert.Contains(orders.Values, o => o["side"] == "buy");

        // Next-mark fills are at the instrument's next mark of the seeded path (already on the tick grid), which a fresh
        // path reader gives independently of the replay.
        var marks = new Dictionary<(string Symbol, long TimestampUs), string>();
        using (ScenarioMarkPath path = BuiltInScenario.Create(ReplayTestKit.Catalog, positions: 0).NewInput())
        {
            while (path.TryRead(out ReplayTick tick))
            {
                if (tick.Kind == ReplayTickKind.Mark)
                {
                    marks[(ReplayTestKit.Catalog[tick.Instrument].Symbol, tick.TimestampUs)] = FixedPoint.Format(tick.Price, Price.Decimals);
                }
            }
        }

        int checkedFills = 0;
        foreach (Dictionary<string, string> fill in settlements.Where(r => r["record"] == "fill"))
        {
            Dictionary<string, string> order = orders[fill["order_id"]];
            long next = long.Parse(order["timestamp_us"], System.Globalization.CultureInfo.InvariantCulture) + (BuiltInScenario.DefaultStepSeconds * 1_000_000);
            if (marks.TryGetValue((order["instrument"], next), out string? nextMark))
            {
                Assert.Equal(nextMark, fill["price"]);
                checkedFills++;
            }
        }

        Assert.True(checkedFills > 1_000, $"only {checkedFills} fills checked");

        // The fund moved by exactly the sum of the settlements' fund deltas in the file (the scenario deleverages nobody).
        Assert.Equal(0, result.OrdersByKind[3]);
        long sum = settlements.Sum(r => Money.Parse(r["insurance_fund_delta"]).Raw);
        Assert.Equal(result.InsuranceFundEnd[0] - result.InsuranceFundStart[0], sum);
        long fees = settlements.Sum(r => Money.Parse(r["liquidation_fee"]).Raw);
        Assert.Equal(result.Fees[0], fees);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
