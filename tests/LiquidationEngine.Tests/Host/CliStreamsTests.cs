using LiquidationEngine.Tests.Replay;
using LiquidationEngine.Tests.Support;
using Xunit;

namespace LiquidationEngine.Tests.Host;

/// <summary>The real <c>liqengine</c> process keeps results and talk apart: results on stdout (so
/// <c>liqengine replay … &gt; summary.txt</c> is a clean file), progress and bad-input warnings on stderr.</summary>
public sealed class CliStreamsTests : IDisposable
{
    // The bad-input fixture: line 3 has too few fields, lines 4-6 bad prices, then an unknown symbol and a time step back.
    private const string Marks = BadInputReplayTests.BadLines;

    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Replay_writes_the_summary_alone_to_stdout_and_progress_and_bad_input_to_stderr()
    {
        string marks = _dir.Write("marks.csv", Marks);
        string book = _dir.Write("book.csv", BadInputReplayTests.Book);
        string output = _dir.File("out");

        (int exit, string stdout, string stderr) = await DaemonProcess.RunToEndAsync(_dir.Path,
            ["replay", marks, "--positions", book, "--instruments", ReplayTestKit.InstrumentsPath, "--out", output, "--no-report", "--plain", "--wait-strategy", "blocking"]);

        Assert.True(exit == 0, stderr);

        // stdout is exactly the summary the run also wrote to summary.txt: nothing else is mixed in.
        Assert.Equal(File.ReadAllText(Path.Combine(output, "summary.txt")), stdout);
        Assert.StartsWith("Replay summary", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("line(s) skipped", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain($"{marks}:3:", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("replay: ", stdout, StringComparison.Ordinal);

        // stderr has the progress (the final line is always printed) and each bad line by file:line.
        Assert.Contains("replay: done: ", stderr, StringComparison.Ordinal);
        Assert.Contains("bad input: 6 line(s) skipped", stderr, StringComparison.Ordinal);
        Assert.Contains($"{marks}:3: MalformedLine", stderr, StringComparison.Ordinal);
        Assert.Contains($"{marks}:4: InvalidPrice", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Convert_writes_its_result_line_to_stdout_and_the_bad_lines_to_stderr()
    {
        string marks = _dir.Write("marks.csv", Marks);
        string binary = _dir.File("marks.lqtk");

        (int exit, string stdout, string stderr) = await DaemonProcess.RunToEndAsync(_dir.Path,
            ["convert", marks, "--output", binary, "--instruments", ReplayTestKit.InstrumentsPath]);

        Assert.True(exit == 0, stderr);
        string line = Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"convert: wrote {binary}: ", line, StringComparison.Ordinal);
        Assert.Matches(@"; [1-9]\d* bad lines skipped$", line);
        Assert.Contains($"{marks}:3: MalformedLine", stderr, StringComparison.Ordinal);
        Assert.Contains($"{marks}:4: InvalidPrice", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(binary));
    }

    public void Dispose() => _dir.Dispose();
}
