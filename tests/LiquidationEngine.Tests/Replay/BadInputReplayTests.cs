using LiquidationEngine.Host.Replay;
using LiquidationEngine.Replay;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

/// <summary>Bad input never crashes a replay nor slips through silently: each bad line is named by file:line and
/// reason, counted by kind in the summary and skipped — or, with --strict, stops the run with a non-zero exit code.</summary>
public sealed class BadInputReplayTests : IDisposable
{
    internal const string BadLines = """
        timestamp,symbol,mark_price
        2024-01-01T00:00:00Z,BTCUSDT,30000
        2024-01-01T00:00:01Z,BTCUSDT
        2024-01-01T00:00:02Z,BTCUSDT,NaN
        2024-01-01T00:00:03Z,BTCUSDT,-5
        2024-01-01T00:00:04Z,BTCUSDT,0
        2024-01-01T00:00:05Z,FOOUSDT,100
        2024-01-01T00:00:06Z,BTCUSDT,30010
        2024-01-01T00:00:05Z,BTCUSDT,30020
        2024-01-01T00:00:07Z,BTCUSDT,30030
        """;

    internal const string Book = """
        balance,1,USDT,10000
        position,1,BTCUSDT,long,0.1,30000,10
        """;

    private readonly TempDirectory _dir = new();

    [Fact]
    public void Each_kind_of_bad_line_is_reported_with_file_line_and_reason_and_counted_while_the_good_lines_replay()
    {
        string bad = _dir.Write("bad.csv", BadLines);
        string ethMarks = "timestamp,symbol,mark_price\n" + string.Concat(Enumerable.Range(0, 2_000).Select(i => $"{1_704_067_200_000_000L + (i * 1_000_000L)},ETHUSDT,{3000 + (i % 50)}.5\n"));
        string truncated = _dir.WriteGzip("truncated.csv.gz", ethMarks, cutBytes: 40);
        string empty = _dir.Write("empty.csv", string.Empty);

        (ReplayOutcome outcome, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out")) with
        {
            Inputs = [bad, truncated, empty],
            PositionsPath = _dir.Write("book.csv", Book),
        });

        Assert.True(outcome.ExitCode == 0, printed);
        var counts = outcome.Result!.InputErrorCounts.ToDictionary(c => c.Kind, c => c.Count);
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["MalformedLine"] = 1,
                ["InvalidPrice"] = 3,
                ["UnknownSymbol"] = 1,
                ["OutOfOrderTimestamp"] = 1,
                ["TruncatedInput"] = 1,
                ["EmptyFile"] = 1,
            },
            counts);

        // Each is named file:line: kind: reason, in the printout and in errors.txt.
        string[] expected =
        [
            $"{bad}:3: MalformedLine: ",
            $"{bad}:4: InvalidPrice: ",
            $"{bad}:5: InvalidPrice: ",
            $"{bad}:6: InvalidPrice: ",
            $"{bad}:7: UnknownSymbol: ",
            $"{bad}:9: OutOfOrderTimestamp: ",
            $"{truncated}:",
            $"{empty}:1: EmptyFile: ",
        ];
        string errorsFile = File.ReadAllText(Path.Combine(outcome.OutputDirectory!, "errors.txt"));
        foreach (string prefix in expected)
        {
            Assert.Contains(prefix, printed, StringComparison.Ordinal);
            Assert.Contains(prefix, errorsFile, StringComparison.Ordinal);
        }

        Assert.Contains("TruncatedInput", outcome.Result.InputErrorSamples.Single(s => s.StartsWith(truncated, StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Contains("bad input    8 lines skipped: MalformedLine 1, InvalidPrice 3, UnknownSymbol 1, OutOfOrderTimestamp 1, TruncatedInput 1, EmptyFile 1", printed, StringComparison.Ordinal);

        // The three good BTC lines replayed (lines 2, 8 and 10), and the ETH marks decoded before the cut.
        Assert.InRange(outcome.Result.Marks, 3 + 1_000, 3 + 1_999);
    }

    [Fact]
    public void With_strict_the_first_bad_line_stops_the_run_with_a_non_zero_exit_code()
    {
        string bad = _dir.Write("bad.csv", BadLines);
        using var printed = new StringWriter();
        ReplayOutcome outcome = ReplayCommand.Execute(
            ReplayTestKit.Options(_dir.File("out")) with { Inputs = [bad], PositionsPath = _dir.Write("book.csv", Book), Strict = true },
            printed);

        Assert.Equal(ReplayCommand.ExitStopped, outcome.ExitCode);
        Assert.StartsWith($"{bad}:3: MalformedLine: ", outcome.Error, StringComparison.Ordinal);
        Assert.Contains($"replay: stopped: {bad}:3: MalformedLine", printed.ToString(), StringComparison.Ordinal);

        // It stopped at the bad line: at most the one good mark before it was replayed (the merger reads one record
        // ahead of the one it hands out), and the summary says why.
        Assert.InRange(outcome.Result!.Marks, 0, 1);
        Assert.Contains("STOPPED", File.ReadAllText(outcome.SummaryPath!), StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_files_and_bad_options_are_refused_before_anything_runs()
    {
        (ReplayOutcome missing, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out")) with { Inputs = [_dir.File("nope.csv")] });
        Assert.Equal((ReplayCommand.ExitUsage, (ReplayResult?)null), (missing.ExitCode, missing.Result));
        Assert.Contains("nope.csv' does not exist", printed, StringComparison.Ordinal);

        (ReplayOutcome fill, string fillPrinted) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out")) with { Fill = "magic" });
        Assert.Equal(ReplayCommand.ExitUsage, fill.ExitCode);
        Assert.Contains("unknown --fill 'magic'", fillPrinted, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
