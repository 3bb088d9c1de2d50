using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

public class TardisDerivativeTickerReaderTests
{
    private const string File = "tardis_small.csv";
    private const string Header = "exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price";
    private const string Good1 = "binance-futures,BTCUSDT,1680652800010000,1680652800091265,1680681600000000,0.0000276,,,,,28155.1";
    private const string Good2 = "binance-futures,BTCUSDT,1680652801000000,1680652801050102,1680681600000000,0.0000276,,,,,28155.2";

    [Fact]
    public void Golden_file_yields_the_hand_computed_marks_and_settlements()
    {
        ReadResult result = Read(GoldenBytes(File), File, FeedFormat.Tardis);

        Assert.Equal(0, result.Errors.Total);
        Assert.Collection(
            result.Records,
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_799_001_000, "28157.1", "0", 2),
            // funding_timestamp rolls over on line 5: settles at the old one with line 4's rate and mark.
            r => AssertRecord(r, FeedRecordKind.FundingSettlement, 1_680_652_800_000_000, "28155.1", "0.0000276", 5),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_800_010_000, "28155.1", "0", 4),
            // line 5 has no exchange timestamp: local_timestamp is used.
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_801_050_102, "28155.2", "0", 5),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_802_000_000, "28155.3", "0", 6),
            // line 6's rate -5e-7 is expanded exactly to -0.0000005 and settles when line 7 rolls over.
            r => AssertRecord(r, FeedRecordKind.FundingSettlement, 1_680_681_600_000_000, "28155.3", "-0.0000005", 7),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_681_600_500_000, "28200", "0", 7));
        Assert.Equal(new FeedReaderStatistics(LinesRead: 7, MarkRecords: 5, SettlementRecords: 2, SkippedLines: 2, Errors: 0), result.Statistics);
    }

    [Fact]
    public void A_row_with_an_empty_mark_price_yields_no_mark_and_counts_as_skipped_not_as_an_error()
    {
        string text = string.Join('\n', Header, Good1, "binance-futures,BTCUSDT,1680652800500000,1680652800500000,,,,81234.5,28157.2,,", Good2);

        ReadResult result = Read(Utf8(text), "gaps.csv", FeedFormat.Tardis);

        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(2, result.Marks.Count);
        Assert.Equal(2, result.Statistics.SkippedLines); // header + the empty-mark row
    }

    public static TheoryData<string, string, FeedErrorKind> BadRows => new()
    {
        { "too few fields", "binance-futures,BTCUSDT,1680652800500000,,,,28155.1", FeedErrorKind.MalformedLine },
        { "timestamp not a number", "binance-futures,BTCUSDT,abc,1680652800500000,,,,,,,28155.1", FeedErrorKind.MalformedLine },
        { "no timestamp at all", "binance-futures,BTCUSDT,,,,,,,,,28155.1", FeedErrorKind.MalformedLine },
        { "funding_timestamp not a number", "binance-futures,BTCUSDT,1680652800500000,,soon,0.0001,,,,,28155.1", FeedErrorKind.MalformedLine },
        { "funding rate beyond 10 decimals", "binance-futures,BTCUSDT,1680652800500000,,,0.000027601234567,,,,,28155.1", FeedErrorKind.MalformedLine },
        { "NaN mark", "binance-futures,BTCUSDT,1680652800500000,,,,,,,,NaN", FeedErrorKind.InvalidPrice },
        { "negative mark", "binance-futures,BTCUSDT,1680652800500000,,,,,,,,-1", FeedErrorKind.InvalidPrice },
        { "zero mark", "binance-futures,BTCUSDT,1680652800500000,,,,,,,,0", FeedErrorKind.InvalidPrice },
        { "mark beyond 8 decimals", "binance-futures,BTCUSDT,1680652800500000,,,,,,,,28155.000000001", FeedErrorKind.InvalidPrice },
        { "unknown symbol", "binance-futures,SOLUSDT,1680652800500000,,,,,,,,21.5", FeedErrorKind.UnknownSymbol },
        { "older than the previous row", "binance-futures,BTCUSDT,1680652799000000,,,,,,,,28155.1", FeedErrorKind.OutOfOrderTimestamp },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void A_bad_row_is_reported_with_file_line_and_kind_and_reading_goes_on(string because, string badRow, FeedErrorKind kind)
    {
        string text = string.Join('\n', Header, Good1, badRow, Good2);

        ReadResult result = Read(Utf8(text), "bad.csv", FeedFormat.Tardis);

        FeedError error = result.SingleError;
        Assert.True(error.Kind == kind, $"{because}: expected {kind}, got {error}");
        Assert.Equal(("bad.csv", 3L), (error.File, error.Line));
        Assert.Equal([P("28155.1"), P("28155.2")], result.Marks.Select(r => r.Mark));
    }

    [Fact]
    public void A_file_without_the_header_is_reported_once_and_yields_nothing()
    {
        ReadResult result = Read(Utf8(string.Join('\n', Good1, Good2)), "noheader.csv", FeedFormat.Tardis);

        Assert.Empty(result.Records);
        FeedError error = result.SingleError;
        Assert.Equal((FeedErrorKind.MalformedLine, 1L), (error.Kind, error.Line));
    }

    [Fact]
    public void Truncated_gzip_file_is_reported()
    {
        byte[] gzip = Gzip(GoldenBytes(File));

        ReadResult result = Read(gzip[..(gzip.Length / 2)], "cut.csv.gz", FeedFormat.Tardis);

        Assert.Equal(FeedErrorKind.TruncatedInput, result.SingleError.Kind);
        Assert.True(result.Records.Count < 7);
    }

    [Theory]
    [InlineData("")]
    [InlineData(Header + "\n")]
    [InlineData("\n\n")]
    public void A_file_with_no_data_rows_is_reported_as_empty(string content)
    {
        ReadResult result = Read(Utf8(content), "empty.csv", FeedFormat.Tardis);

        Assert.Empty(result.Records);
        Assert.Equal(FeedErrorKind.EmptyFile, result.SingleError.Kind);
    }

    [Fact]
    public void Golden_file_round_trips_through_the_binary_format()
    {
        List<FeedRecord> original = Read(GoldenBytes(File), File, FeedFormat.Tardis).Records;
        using var reader = new TardisDerivativeTickerReader(new MemoryStream(GoldenBytes(File)), File, Options());

        ReadResult back = Read(ToBinary(reader), "tardis.lqtk", FeedFormat.Binary);

        Assert.Equal(0, back.Errors.Total);
        Assert.Equal(original.Count, back.Records.Count);
        Assert.All(original.Zip(back.Records), p => Assert.True(p.First.HasSameMarketData(p.Second), $"{p.First} != {p.Second}"));
    }

    [Fact]
    public void Two_symbols_settling_at_the_same_time_each_settle_before_any_later_record()
    {
        const long x = 1_680_652_800_000_000; // funding time of both symbols
        const long y = x + 28_800_000_000;
        string Row(string symbol, long us, long funding, string rate, string mark) => $"binance-futures,{symbol},{us},{us},{funding},{rate},,,,,{mark}";
        string text = string.Join(
            '\n',
            Header,
            Row("BTCUSDT", x - 1, x, "0.0001", "100"),
            Row("ETHUSDT", x - 1, x, "0.0002", "10"),
            Row("BTCUSDT", x + 10_000, x, "0.0001", "101"),
            Row("ETHUSDT", x + 20_000, x, "0.0002", "11"),
            Row("BTCUSDT", x + 1_000_000, y, "0.0003", "102"),
            Row("ETHUSDT", x + 1_100_000, y, "0.0004", "12"));

        ReadResult result = Read(Utf8(text), "two.csv", FeedFormat.Tardis);

        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(
            [
                (FeedRecordKind.MarkPrice, x - 1, "BTC-USDT-PERP", "100", "0"),
                (FeedRecordKind.MarkPrice, x - 1, "ETH-USDT-PERP", "10", "0"),
                (FeedRecordKind.FundingSettlement, x, "BTC-USDT-PERP", "101", "0.0001"),
                (FeedRecordKind.FundingSettlement, x, "ETH-USDT-PERP", "11", "0.0002"),
                (FeedRecordKind.MarkPrice, x + 10_000, "BTC-USDT-PERP", "101", "0"),
                (FeedRecordKind.MarkPrice, x + 20_000, "ETH-USDT-PERP", "11", "0"),
                (FeedRecordKind.MarkPrice, x + 1_000_000, "BTC-USDT-PERP", "102", "0"),
                (FeedRecordKind.MarkPrice, x + 1_100_000, "ETH-USDT-PERP", "12", "0"),
            ],
            result.Records.Select(r => (r.Kind, r.TimestampUs, r.Symbol, r.Mark.ToString(), r.FundingRate.ToString())));
    }

    private static void AssertRecord(FeedRecord record, FeedRecordKind kind, long timestampUs, string mark, string rate, long line)
    {
        Assert.Equal(kind, record.Kind);
        Assert.Equal(timestampUs, record.TimestampUs);
        Assert.Equal("BTC-USDT-PERP", record.Symbol);
        Assert.Equal(P(mark), record.Mark);
        Assert.Equal(R(rate), record.FundingRate);
        Assert.Equal(line, record.Line);
        Assert.Equal(File, record.File);
    }
}
