using System.Text;
using LiquidationEngine.Tests.Support;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

/// <summary>Raw kline recordings replayed through the real <c>liqengine replay</c> process, as a user runs it.</summary>
/// <remarks>
/// The short: 0.1 BTC @ 28,470, 25x → M = 113.88. LP = (113.88 + 2,847)/((0.004 + 1)·0.1) = 29,491.2… (REFERENCE.md §3,
/// BTC bracket 1: MMR 0.4%). Only bar 2's close (29,500, above its printed high) and bar 3's open (the previous close,
/// above its printed high) reach it: rejecting those bars would hide the liquidation.
/// </remarks>
public sealed class RawKlinesReplayTests : IDisposable
{
    internal const string Bars = """
        open_time,open,high,low,close
        1680307200000,28465.1,28480.0,28460.0,28470.5
        1680307260000,28470.5,28475.0,28440.0,29500.0
        1680307320000,29500.0,29480.0,29400.0,29450.0
        """;

    internal const string Book = """
        balance,1,USDT,10000
        position,1,BTCUSDT,short,0.1,28470,25
        """;

    private readonly TempDirectory _dir = new();

    [Fact]
    public async Task Bars_with_open_or_close_outside_high_low_are_widened_replayed_and_counted_as_warnings()
    {
        string bars = _dir.Write("BTCUSDT-1m-2023-04.csv", Bars);
        string output = _dir.File("out");

        (int exit, string stdout, string stderr) = await RunReplayAsync(bars, "--positions", _dir.Write("book.csv", Book), "--out", output);

        Assert.True(exit == 0, stderr);
        Assert.Contains("ticks        12 marks", stdout, StringComparison.Ordinal);
        Assert.Contains("bad input    none", stdout, StringComparison.Ordinal);
        Assert.Contains("warnings     2 bars widened", stdout, StringComparison.Ordinal);
        var orders = ReplayTestKit.ReadCsv(Path.Combine(output, "liquidations.csv")).Where(r => r["record"] == "order").ToList();
        Dictionary<string, string> order = Assert.Single(orders);
        Assert.Equal(("1", "buy", "0.1"), (order["account"], order["side"], order["quantity"]));
    }

    [Fact]
    public async Task Symbol_option_names_the_instrument_of_a_klines_file_whose_name_does_not()
    {
        string bars = _dir.Write("bars.csv", Bars);
        string book = _dir.Write("book.csv", Book);
        string output = _dir.File("out");

        (int exit, string stdout, string stderr) = await RunReplayAsync(bars, "--format", "binance-klines", "--symbol", "BTCUSDT", "--positions", book, "--out", output);

        Assert.True(exit == 0, stderr);
        Assert.Contains("ticks        12 marks", stdout, StringComparison.Ordinal);
        Assert.Contains("bad input    none", stdout, StringComparison.Ordinal);
        Assert.Single(ReplayTestKit.ReadCsv(Path.Combine(output, "liquidations.csv")), r => r["record"] == "order" && r["instrument"] == "BTC-USDT-PERP");
    }

    [Fact]
    public async Task Symbol_option_the_config_does_not_know_is_a_usage_error()
    {
        string bars = _dir.Write("bars.csv", Bars);

        (int exit, string stdout, string stderr) = await RunReplayAsync(bars, "--symbol", "NOPEUSDT", "--positions", _dir.Write("book.csv", Book), "--out", _dir.File("out"));

        Assert.True(exit == 1, stdout + stderr);
        Assert.Contains("--symbol: 'NOPEUSDT' is not an instrument or venue symbol of the config", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_with_no_mark_for_the_books_instruments_exits_3_and_says_why()
    {
        // bars.csv names no instrument: without --symbol the file maps to 'bars', which the config does not know.
        string bars = _dir.Write("bars.csv", Bars);
        string output = _dir.File("out");

        (int exit, string stdout, string stderr) = await RunReplayAsync(bars, "--format", "binance-klines", "--positions", _dir.Write("book.csv", Book), "--out", output);

        Assert.True(exit == 3, stdout + stderr);
        Assert.Contains("replay: nothing replayed: 0 marks for the book's instruments (BTC-USDT-PERP); the input ticked no instrument", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "summary.txt")));
    }

    [Theory]
    [InlineData("the loader rejects it", "position,1,NOPEUSDT,short,0.1,28470,25", "replay: nothing replayed: every position row of")]
    [InlineData("the engine rejects it (56,940 notional is bracket 2, at most 100x)", "position,1,BTCUSDT,short,2,28470,125", "replay: nothing replayed: the engine rejected every position of")]
    public async Task A_run_whose_every_position_row_is_rejected_exits_3_and_says_why(string because, string row, string message)
    {
        string bars = _dir.Write("BTCUSDT-1m-2023-04.csv", Bars);
        string book = _dir.Write("book.csv", "balance,1,USDT,10000\n" + row + "\n");

        (int exit, string stdout, string stderr) = await RunReplayAsync(bars, "--positions", book, "--out", _dir.File("out"));

        Assert.True(exit == 3, $"{because}: exit {exit}\n{stdout}{stderr}");
        Assert.Contains(message, stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_input_is_counted_by_kind_with_its_first_places_and_errors_txt_lists_every_one()
    {
        // 12,000 bad prices (more than the 10,000 errors a run used to retain) and 4 short lines (lines 2, 3003, 6004, 9005).
        var marks = new StringBuilder("timestamp,symbol,mark_price\n");
        var expected = new List<string>();
        long t = 1_704_067_200_000_000L;
        for (int i = 0; i < 12_004; i++)
        {
            int line = i + 2;
            marks.Append(t + i).Append(i % 3001 == 0 ? ",BTCUSDT\n" : ",BTCUSDT,-1\n");
            expected.Add(i % 3001 == 0 ? $":{line}: MalformedLine: " : $":{line}: InvalidPrice: ");
        }

        marks.Append(t + 20_000).Append(",BTCUSDT,28470\n");
        string file = _dir.Write("marks.csv", marks.ToString());
        string output = _dir.File("out");

        (int exit, string stdout, string stderr) = await RunReplayAsync(file, "--positions", _dir.Write("book.csv", Book), "--out", output);

        Assert.True(exit == 0, stderr);
        Assert.Contains("bad input    12,004 lines skipped: MalformedLine 4, InvalidPrice 12,000", stdout, StringComparison.Ordinal);
        Assert.Contains($"MalformedLine at {file}:2, {file}:3003, {file}:6004 and 1 more (errors.txt)", stdout, StringComparison.Ordinal);
        Assert.Contains($"InvalidPrice at {file}:3, {file}:4, {file}:5 and 11,997 more (errors.txt)", stdout, StringComparison.Ordinal);

        // The console shows the first three of each kind in full, with the reason.
        string[] shown = [.. stderr.Split('\n').Where(l => l.StartsWith($"  {file}:", StringComparison.Ordinal)).Select(l => l.Trim())];
        Assert.Equal([$"{file}:2: MalformedLine", $"{file}:3003: MalformedLine", $"{file}:6004: MalformedLine", $"{file}:3: InvalidPrice", $"{file}:4: InvalidPrice", $"{file}:5: InvalidPrice"], shown.Select(l => string.Join(':', l.Split(':').Take(3))));

        // errors.txt: every bad line, in file order.
        string[] all = File.ReadAllLines(Path.Combine(output, "errors.txt"));
        Assert.Equal(expected.Count, all.Length);
        Assert.All(expected.Zip(all), p => Assert.StartsWith(file + p.First, p.Second, StringComparison.Ordinal));
    }

    /// <summary>Runs <c>liqengine replay</c> with the test config, plain output and blocking waits.</summary>
    internal static Task<(int Exit, string Out, string Err)> RunCliAsync(string workingDirectory, params string[] args)
        => DaemonProcess.RunToEndAsync(workingDirectory, ["replay", .. args, "--instruments", ReplayTestKit.InstrumentsPath, "--no-report", "--plain", "--wait-strategy", "blocking"]);

    private Task<(int Exit, string Out, string Err)> RunReplayAsync(params string[] args) => RunCliAsync(_dir.Path, args);

    public void Dispose() => _dir.Dispose();
}
