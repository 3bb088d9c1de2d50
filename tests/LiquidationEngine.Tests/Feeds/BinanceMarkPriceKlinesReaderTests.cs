using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

public class BinanceMarkPriceKlinesReaderTests
{
    private const string File = "BTCUSDT-1m-2023-04.csv";
    private const long Bar1 = 1_680_307_200_000_000; // 2023-04-01T00:00:00Z
    private const long Quarter = 15_000_000;         // a quarter of the inferred 1-minute interval

    // Hand-computed from the golden file: O, then the extreme nearer to O, then the other, then C.
    //   bar 1: O 28465.1 H 28480 L 28460 C 28470.5: |H-O| = 14.9 > |O-L| = 5.1  -> low first
    //   bar 2: O 28470.5 H 28475 L 28440 C 28450:   |H-O| = 4.5 <= |O-L| = 30.5 -> high first
    //   bar 3: O 28450   H 28460 L 28440 C 28455:   |H-O| = 10 == |O-L| = 10    -> tie: high first
    private static readonly (long Us, string Mark, long Line)[] ExpectedTicks =
    [
        (Bar1, "28465.1", 2), (Bar1 + Quarter, "28460", 2), (Bar1 + (2 * Quarter), "28480", 2), (Bar1 + (3 * Quarter), "28470.5", 2),
        (Bar1 + 60_000_000, "28470.5", 3), (Bar1 + 60_000_000 + Quarter, "28475", 3), (Bar1 + 60_000_000 + (2 * Quarter), "28440", 3), (Bar1 + 60_000_000 + (3 * Quarter), "28450", 3),
        (Bar1 + 120_000_000, "28450", 4), (Bar1 + 120_000_000 + Quarter, "28460", 4), (Bar1 + 120_000_000 + (2 * Quarter), "28440", 4), (Bar1 + 120_000_000 + (3 * Quarter), "28455", 4),
    ];

    [Fact]
    public void Each_bar_expands_to_open_nearer_extreme_farther_extreme_close_at_quarter_intervals()
    {
        ReadResult result = Read(GoldenBytes(File), File, FeedFormat.BinanceKlines);

        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(ExpectedTicks.Length, result.Records.Count);
        foreach (((long us, string mark, long line), FeedRecord record) in ExpectedTicks.Zip(result.Records))
        {
            Assert.Equal(FeedRecordKind.MarkPrice, record.Kind);
            Assert.Equal(us, record.TimestampUs);
            Assert.Equal(P(mark), record.Mark);
            Assert.Equal(line, record.Line);
            Assert.Equal("BTC-USDT-PERP", record.Symbol); // from the file name prefix, mapped
        }

        Assert.Equal(new FeedReaderStatistics(LinesRead: 4, MarkRecords: 12, SettlementRecords: 0, SkippedLines: 1, Errors: 0), result.Statistics);
    }

    [Fact]
    public void A_file_without_a_header_line_reads_the_same()
    {
        string withoutHeader = string.Join('\n', System.IO.File.ReadAllLines(Golden(File)).Skip(1));

        ReadResult result = Read(Utf8(withoutHeader), File, FeedFormat.BinanceKlines);

        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(ExpectedTicks.Select(t => (t.Us, P(t.Mark))), result.Records.Select(r => (r.TimestampUs, r.Mark)));
    }

    [Fact]
    public void The_symbol_option_overrides_the_file_name_prefix()
    {
        var options = new FeedReaderOptions { Symbols = Map, KlinesSymbol = "ETHUSDT" };

        ReadResult result = Read(GoldenBytes(File), "bars.csv", FeedFormat.BinanceKlines, options);

        Assert.All(result.Records, r => Assert.Equal("ETH-USDT-PERP", r.Symbol));
    }

    [Theory]
    [InlineData("BTCUSDT-1m-2023-04.csv", "BTCUSDT")]
    [InlineData("/data/ETHUSDT-5m-2024-01-02.csv.gz", "ETHUSDT")]
    [InlineData("SOLUSDT.csv", "SOLUSDT")]
    public void The_default_symbol_is_the_file_name_up_to_its_first_dash(string file, string symbol)
        => Assert.Equal(symbol, BinanceMarkPriceKlinesReader.SymbolFromFileName(file));

    [Fact]
    public void The_interval_is_the_smallest_gap_seen_so_ticks_never_pass_the_next_bar()
    {
        // Bars at 0, +2 min (a missing bar), +3 min: the first bar only knows the 2-minute gap.
        string text = string.Join('\n', "1680307200000,100,101,99,100", "1680307320000,100,101,99,100", "1680307380000,100,101,99,100");

        ReadResult result = Read(Utf8(text), File, FeedFormat.BinanceKlines);

        long[] offsets = [.. result.Records.Select(r => r.TimestampUs - Bar1)];
        Assert.Equal([0, 30_000_000, 60_000_000, 90_000_000, 120_000_000, 135_000_000, 150_000_000, 165_000_000, 180_000_000, 195_000_000, 210_000_000, 225_000_000], offsets);
    }

    [Fact]
    public void A_lone_bar_uses_a_one_minute_interval_unless_one_is_configured()
    {
        byte[] oneBar = Utf8("1680307200000,100,101,99,100");

        ReadResult byDefault = Read(oneBar, File, FeedFormat.BinanceKlines);
        ReadResult hourly = Read(oneBar, File, FeedFormat.BinanceKlines, new FeedReaderOptions { Symbols = Map, KlinesInterval = TimeSpan.FromHours(1) });

        Assert.Equal(45_000_000, byDefault.Records[^1].TimestampUs - Bar1);
        Assert.Equal(2_700_000_000, hourly.Records[^1].TimestampUs - Bar1);
    }

    public static TheoryData<string, string, FeedErrorKind> BadBars => new()
    {
        { "three fields", "1680307260000,28470.5,28475.0", FeedErrorKind.MalformedLine },
        { "open_time not a number", "yesterday,28470.5,28475.0,28440.0,28450.0", FeedErrorKind.MalformedLine },
        { "high below low", "1680307260000,28450.0,28440.0,28460.0,28450.0", FeedErrorKind.MalformedLine },
        { "NaN open", "1680307260000,NaN,28475.0,28440.0,28450.0", FeedErrorKind.InvalidPrice },
        { "negative low", "1680307260000,28470.5,28475.0,-1,28450.0", FeedErrorKind.InvalidPrice },
        { "zero close", "1680307260000,28470.5,28475.0,28440.0,0", FeedErrorKind.InvalidPrice },
        { "older than the previous bar", "1680307140000,28470.5,28475.0,28440.0,28450.0", FeedErrorKind.OutOfOrderTimestamp },
        { "same open time as the previous bar", "1680307200000,28470.5,28475.0,28440.0,28450.0", FeedErrorKind.OutOfOrderTimestamp },
    };

    [Fact]
    public void A_bar_whose_open_or_close_lies_outside_high_low_is_widened_and_counted_as_a_warning()
    {
        // BitMEX-style bars: the open is the previous close, so it can lie outside the bar's own high/low.
        //   bar 2: O 28480 above H 28475 -> H 28480; |H-O| = 0 <= |O-L| = 40 -> high first
        //   bar 3: C 28440 below L 28445 -> L 28440; |H-O| = 10 == |O-L| = 10 -> tie: high first
        string text = string.Join(
            '\n',
            "open_time,open,high,low,close",
            "1680307200000,28465.1,28480.0,28460.0,28470.5",
            "1680307260000,28480.0,28475.0,28440.0,28450.0",
            "1680307320000,28450.0,28460.0,28445.0,28440.0");

        ReadResult result = Read(Utf8(text), File, FeedFormat.BinanceKlines);

        Assert.Equal(0, result.Errors.Total);
        string[] expected = ["28465.1", "28460", "28480", "28470.5", "28480", "28480", "28440", "28450", "28450", "28460", "28440", "28440"];
        Assert.Equal(expected.Select(P), result.Records.Select(r => r.Mark));
        Assert.Equal(new FeedReaderStatistics(LinesRead: 4, MarkRecords: 12, SettlementRecords: 0, SkippedLines: 1, Errors: 0, Warnings: 2), result.Statistics);
    }

    [Theory]
    [MemberData(nameof(BadBars))]
    public void A_bad_bar_is_reported_with_file_line_and_kind_and_reading_goes_on(string because, string badBar, FeedErrorKind kind)
    {
        string text = string.Join('\n', "open_time,open,high,low,close", "1680307200000,28465.1,28480.0,28460.0,28470.5", badBar, "1680307320000,28450.0,28460.0,28440.0,28455.0");

        ReadResult result = Read(Utf8(text), File, FeedFormat.BinanceKlines);

        FeedError error = result.SingleError;
        Assert.True(error.Kind == kind, $"{because}: expected {kind}, got {error}");
        Assert.Equal((File, 3L), (error.File, error.Line));
        Assert.Equal(8, result.Records.Count);
    }

    [Fact]
    public void A_symbol_missing_from_the_map_is_reported_once_and_the_file_yields_nothing()
    {
        ReadResult result = Read(GoldenBytes(File), "DOGEUSDT-1m-2023-04.csv", FeedFormat.BinanceKlines);

        Assert.Empty(result.Records);
        FeedError error = result.SingleError;
        Assert.Equal((FeedErrorKind.UnknownSymbol, 2L), (error.Kind, error.Line));
        Assert.Contains("DOGEUSDT", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_gzip_file_is_reported()
    {
        byte[] gzip = Gzip(GoldenBytes(File));

        ReadResult result = Read(gzip[..^9], File, FeedFormat.BinanceKlines);

        Assert.Equal(FeedErrorKind.TruncatedInput, result.SingleError.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData("open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore\n")]
    public void A_file_with_no_bars_is_reported_as_empty(string content)
    {
        ReadResult result = Read(Utf8(content), File, FeedFormat.BinanceKlines);

        Assert.Empty(result.Records);
        Assert.Equal(FeedErrorKind.EmptyFile, result.SingleError.Kind);
    }

    [Fact]
    public void Golden_file_round_trips_through_the_binary_format()
    {
        List<FeedRecord> original = Read(GoldenBytes(File), File, FeedFormat.BinanceKlines).Records;
        using var reader = new BinanceMarkPriceKlinesReader(new MemoryStream(GoldenBytes(File)), File, Options());

        ReadResult back = Read(ToBinary(reader), "klines.lqtk", FeedFormat.Binary);

        Assert.Equal(0, back.Errors.Total);
        Assert.Equal(original.Count, back.Records.Count);
        Assert.All(original.Zip(back.Records), p => Assert.True(p.First.HasSameMarketData(p.Second), $"{p.First} != {p.Second}"));
    }
}
