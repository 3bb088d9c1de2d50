using LiquidationEngine.Feeds;
using LiquidationEngine.Numerics;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

public class BinanceStreamReaderTests
{
    private const string File = "binance_small.dat";

    // A markPriceUpdate line of the golden file's shape, with the fields the error tests vary.
    private static string MarkLine(long eventMs, string price = "28155.1", string rate = "0.0000276", long nextFundingMs = 1680681600000, string symbol = "BTCUSDT")
        => "1680652800091265 {\"stream\":\"btcusdt@markPrice@1s\",\"data\":{\"e\":\"markPriceUpdate\",\"E\":" + eventMs
            + ",\"s\":\"" + symbol + "\",\"p\":\"" + price + "\",\"P\":\"28141.4\",\"i\":\"28165.0\",\"r\":\"" + rate
            + "\",\"T\":" + nextFundingMs + "}}";

    [Fact]
    public void Golden_recording_yields_the_hand_computed_marks_and_the_settlement_in_time_order()
    {
        ReadResult result = Read(GoldenBytes(File), File, FeedFormat.BinanceStream);

        Assert.Equal(0, result.Errors.Total);
        Assert.Collection(
            result.Records,
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_799_001_000, "28157.1", "0", 2),
            // T rolled over on line 6: settlement at the old T, with the r of line 4 (not line 6's new 0.00002761),
            // the mark of line 4, and placed before line 4's mark stamped 10 ms after the funding time.
            r => AssertRecord(r, FeedRecordKind.FundingSettlement, 1_680_652_800_000_000, "28155.1", "0.0000276", 6),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_800_010_000, "28155.1", "0", 4),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_801_000_000, "28155.2", "0", 6),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_802_000_000, "28155.3", "0", 7));
        Assert.Equal(new FeedReaderStatistics(LinesRead: 7, MarkRecords: 4, SettlementRecords: 1, SkippedLines: 3, Errors: 0), result.Statistics);
    }

    [Fact]
    public void Trade_book_ticker_and_depth_prices_are_never_taken_as_marks()
    {
        ReadResult result = Read(GoldenBytes(File), File, FeedFormat.BinanceStream);

        Assert.DoesNotContain(result.Records, r => r.Mark == P("28722.5"));
        Assert.DoesNotContain(result.Records, r => r.Line is 1 or 3 or 5);
    }

    [Fact]
    public void Every_record_shares_one_symbol_instance_from_the_symbol_map()
    {
        ReadResult result = Read(GoldenBytes(File), File, FeedFormat.BinanceStream);

        Assert.True(Map.TryMap("BTCUSDT", out string? instrument));
        Assert.All(result.Records, r => Assert.Same(instrument, r.Symbol));
        Assert.All(result.Records, r => Assert.Equal(File, r.File));
    }

    [Fact]
    public void Gzipped_recording_reads_the_same_as_the_plain_one()
    {
        ReadResult plain = Read(GoldenBytes(File), File, FeedFormat.BinanceStream);
        ReadResult gzipped = Read(Gzip(GoldenBytes(File)), File, FeedFormat.BinanceStream);

        Assert.Equal(plain.Records, gzipped.Records);
    }

    [Fact]
    public void Bare_event_objects_without_the_combined_stream_wrapper_are_read_too()
    {
        string line = """{"e":"markPriceUpdate","E":1680652801000,"s":"BTCUSDT","p":"28155.20000000","r":"0.0000276","T":1680681600000}""";

        ReadResult result = Read(Utf8(line), "bare.dat", FeedFormat.BinanceStream);

        FeedRecord record = Assert.Single(result.Records);
        AssertRecord(record, FeedRecordKind.MarkPrice, 1_680_652_801_000_000, "28155.2", "0", 1);
    }

    [Fact]
    public void Settlement_is_emitted_only_when_T_moves_later_not_when_it_moves_earlier()
    {
        string text = string.Join('\n', MarkLine(1_000, nextFundingMs: 50_000), MarkLine(2_000, nextFundingMs: 40_000), MarkLine(60_000, nextFundingMs: 90_000));

        ReadResult result = Read(Utf8(text), "schedule.dat", FeedFormat.BinanceStream);

        FeedRecord settlement = Assert.Single(result.Settlements);
        Assert.Equal(40_000_000, settlement.TimestampUs);
        Assert.Equal(3, settlement.Line);
    }

    [Fact]
    public void A_rollover_seen_after_the_holdback_is_reported_out_of_order_and_never_emitted_late()
    {
        // Funding at 10 s; the next update comes 3 minutes later still showing the old T (held for 1 minute only),
        // then T rolls over: that settlement would be older than marks already handed out.
        string text = string.Join('\n', MarkLine(9_000, nextFundingMs: 10_000), MarkLine(190_000, nextFundingMs: 10_000), MarkLine(191_000, nextFundingMs: 28_810_000));

        ReadResult result = Read(Utf8(text), "late.dat", FeedFormat.BinanceStream);

        Assert.Empty(result.Settlements);
        Assert.Equal(3, result.Marks.Count);
        FeedError error = result.SingleError;
        Assert.Equal(FeedErrorKind.OutOfOrderTimestamp, error.Kind);
        Assert.Equal(3, error.Line);
    }

    public static TheoryData<string, string, FeedErrorKind, int> BadLines => new()
    {
        { "cut JSON", """1680652800091265 {"stream":"btcusdt@markPrice@1s","data":{"e":"markPriceUpdate","E":1680652800020,"s":"BTCUSDT","p":"28155.1""", FeedErrorKind.MalformedLine, 2 },
        { "broken JSON", """{"stream":"x","data":{"e":"markPriceUpdate","E":1680652800020,,"p":"1"}}""", FeedErrorKind.MalformedLine, 2 },
        { "not JSON", "hello world", FeedErrorKind.MalformedLine, 2 },
        { "prefix not digits", "16806x52800091265 {\"e\":\"markPriceUpdate\"}", FeedErrorKind.MalformedLine, 2 },
        { "no mark field", """{"e":"markPriceUpdate","E":1680652800020,"s":"BTCUSDT","r":"0.0001","T":1680681600000}""", FeedErrorKind.MalformedLine, 2 },
        { "rate beyond 10 decimals", MarkLine(1680652800020, rate: "0.000027601234567"), FeedErrorKind.MalformedLine, 2 },
        { "rate in exponent form", MarkLine(1680652800020, rate: "2.76e-5"), FeedErrorKind.MalformedLine, 2 },
        { "NaN mark", MarkLine(1680652800020, price: "NaN"), FeedErrorKind.InvalidPrice, 2 },
        { "negative mark", MarkLine(1680652800020, price: "-28155.1"), FeedErrorKind.InvalidPrice, 2 },
        { "zero mark", MarkLine(1680652800020, price: "0.00000000"), FeedErrorKind.InvalidPrice, 2 },
        { "mark beyond 8 decimals", MarkLine(1680652800020, price: "28155.123456789"), FeedErrorKind.InvalidPrice, 2 },
        { "unknown symbol", MarkLine(1680652800020, symbol: "DOGEUSDT"), FeedErrorKind.UnknownSymbol, 2 },
        { "older than previous line", MarkLine(1680652799000), FeedErrorKind.OutOfOrderTimestamp, 2 },
    };

    [Theory]
    [MemberData(nameof(BadLines))]
    public void A_bad_line_is_reported_with_file_line_and_kind_and_reading_goes_on(string because, string badLine, FeedErrorKind kind, int line)
    {
        string text = string.Join('\n', MarkLine(1680652800010), badLine, MarkLine(1680652801000, price: "28155.2"));

        ReadResult result = Read(Utf8(text), "bad.dat", FeedFormat.BinanceStream);

        FeedError error = result.SingleError;
        Assert.True(error.Kind == kind, $"{because}: expected {kind}, got {error}");
        Assert.Equal("bad.dat", error.File);
        Assert.Equal(line, error.Line);
        Assert.Equal(1, result.Errors.Count(kind));
        Assert.Equal([P("28155.1"), P("28155.2")], result.Marks.Select(r => r.Mark));
        Assert.StartsWith($"bad.dat:{line}: {kind}: ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Strict_mode_throws_the_first_bad_line_as_a_FeedException()
    {
        string text = string.Join('\n', MarkLine(1680652800010), MarkLine(1680652801000, price: "NaN"));
        using var reader = new BinanceStreamReader(new MemoryStream(Utf8(text)), "strict.dat", Options(strict: true));

        Assert.True(reader.TryRead(out _));
        FeedException exception = Assert.Throws<FeedException>(() => reader.TryRead(out _));
        Assert.Equal(new FeedError("strict.dat", 2, FeedErrorKind.InvalidPrice, exception.Error.Message), exception.Error);
        Assert.Contains("NaN", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_gzip_recording_is_reported_and_its_cut_last_line_is_not_read()
    {
        byte[] gzip = Gzip(GoldenBytes(File));
        byte[] cut = gzip[..(gzip.Length - 30)];

        ReadResult result = Read(cut, "cut.dat.gz", FeedFormat.BinanceStream);
        List<FeedRecord> whole = Read(GoldenBytes(File), "cut.dat.gz", FeedFormat.BinanceStream).Records;

        FeedError error = result.SingleError;
        Assert.Equal(FeedErrorKind.TruncatedInput, error.Kind);
        Assert.Equal("cut.dat.gz", error.File);
        Assert.True(result.Records.Count < whole.Count);
        Assert.All(result.Records, r => Assert.Contains(r, whole));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Empty_recording_is_reported_as_an_empty_file(bool gzipped)
    {
        byte[] content = gzipped ? Gzip([]) : [];

        ReadResult result = Read(content, "empty.dat", FeedFormat.BinanceStream);

        Assert.Empty(result.Records);
        Assert.Equal(FeedErrorKind.EmptyFile, result.SingleError.Kind);
    }

    [Fact]
    public void Golden_recording_round_trips_through_the_binary_format()
    {
        List<FeedRecord> original = Read(GoldenBytes(File), File, FeedFormat.BinanceStream).Records;
        using var reader = new BinanceStreamReader(new MemoryStream(GoldenBytes(File)), File, Options());
        byte[] binary = ToBinary(reader);

        ReadResult back = Read(binary, "golden.lqtk", FeedFormat.Binary);

        Assert.Equal(0, back.Errors.Total);
        Assert.Equal(original.Count, back.Records.Count);
        Assert.All(original.Zip(back.Records), pair => Assert.True(pair.First.HasSameMarketData(pair.Second), $"{pair.First} != {pair.Second}"));
    }

    private static void AssertRecord(FeedRecord record, FeedRecordKind kind, long timestampUs, string mark, string rate, long line)
    {
        Assert.Equal(kind, record.Kind);
        Assert.Equal(timestampUs, record.TimestampUs);
        Assert.Equal("BTC-USDT-PERP", record.Symbol);
        Assert.Equal(P(mark), record.Mark);
        Assert.Equal(R(rate), record.FundingRate);
        Assert.Equal(line, record.Line);
    }
}
