using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

public class GenericCsvReaderTests
{
    private const string File = "generic_small.csv";
    private const string Header = "timestamp,symbol,mark_price,funding_rate";
    private const string Good1 = "1680652800000000,BTCUSDT,28155.1,";
    private const string Good2 = "1680652801000000,BTCUSDT,28155.2,";

    [Fact]
    public void Golden_file_yields_marks_and_a_settlement_for_the_row_with_a_funding_rate()
    {
        ReadResult result = Read(GoldenBytes(File), File, FeedFormat.Generic);

        Assert.Equal(0, result.Errors.Total);
        Assert.Collection(
            result.Records,
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_799_001_000, "BTC-USDT-PERP", "28157.1", "0", 2),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_800_000_000, "BTC-USDT-PERP", "28155.1", "0", 3),
            r => AssertRecord(r, FeedRecordKind.FundingSettlement, 1_680_652_800_000_000, "BTC-USDT-PERP", "28155.1", "0.0000276", 3),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_874_400_000, "ETH-USDT-PERP", "1870.25", "0", 4),
            r => AssertRecord(r, FeedRecordKind.MarkPrice, 1_680_652_874_400_000, "BTC-USDT-PERP", "28147", "0", 5));
    }

    [Theory]
    [InlineData("1680652874400000", 1_680_652_874_400_000)]
    [InlineData("2023-04-05T00:01:14.400Z", 1_680_652_874_400_000)]
    [InlineData("2023-04-05T00:01:14.4Z", 1_680_652_874_400_000)]
    [InlineData("2023-04-05 00:01:14.400001+00:00", 1_680_652_874_400_001)]
    [InlineData("2023-04-05T00:01:14.400000000Z", 1_680_652_874_400_000)]
    [InlineData("2024-02-29T23:59:59Z", 1_709_251_199_000_000)]
    public void Timestamps_are_microseconds_or_ISO_8601_UTC(string timestamp, long expectedUs)
    {
        ReadResult result = Read(Utf8($"timestamp,symbol,mark_price\n{timestamp},BTCUSDT,1"), "t.csv", FeedFormat.Generic);

        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(expectedUs, Assert.Single(result.Records).TimestampUs);
    }

    [Fact]
    public void Columns_are_found_by_name_in_any_order()
    {
        ReadResult result = Read(Utf8("symbol,mark_price,note,timestamp\nBTCUSDT,28155.1,hello,1680652800000000"), "o.csv", FeedFormat.Generic);

        FeedRecord record = Assert.Single(result.Records);
        Assert.Equal((1_680_652_800_000_000L, P("28155.1")), (record.TimestampUs, record.Mark));
    }

    public static TheoryData<string, string, FeedErrorKind> BadRows => new()
    {
        { "two fields", "1680652800500000,BTCUSDT", FeedErrorKind.MalformedLine },
        { "local time without zone", "2023-04-05 00:00:00,BTCUSDT,28155.1,", FeedErrorKind.MalformedLine },
        { "non-UTC offset", "2023-04-05T02:00:00+02:00,BTCUSDT,28155.1,", FeedErrorKind.MalformedLine },
        { "30 February", "2023-02-30T00:00:00Z,BTCUSDT,28155.1,", FeedErrorKind.MalformedLine },
        { "after the year 9999", "300000000000000000,BTCUSDT,28155.1,", FeedErrorKind.MalformedLine },
        { "finer than a microsecond", "2023-04-05T00:00:00.0000001Z,BTCUSDT,28155.1,", FeedErrorKind.MalformedLine },
        { "funding rate not a number", "1680652800500000,BTCUSDT,28155.1,high", FeedErrorKind.MalformedLine },
        { "funding rate beyond 10 decimals", "1680652800500000,BTCUSDT,28155.1,0.00000000001", FeedErrorKind.MalformedLine },
        { "NaN mark", "1680652800500000,BTCUSDT,NaN,", FeedErrorKind.InvalidPrice },
        { "negative mark", "1680652800500000,BTCUSDT,-28155.1,", FeedErrorKind.InvalidPrice },
        { "zero mark", "1680652800500000,BTCUSDT,0,", FeedErrorKind.InvalidPrice },
        { "empty mark", "1680652800500000,BTCUSDT,,", FeedErrorKind.InvalidPrice },
        { "unknown symbol", "1680652800500000,SOLUSDT,21.5,", FeedErrorKind.UnknownSymbol },
        { "older than the previous row", "1680652799999999,BTCUSDT,28155.1,", FeedErrorKind.OutOfOrderTimestamp },
    };

    [Theory]
    [MemberData(nameof(BadRows))]
    public void A_bad_row_is_reported_with_file_line_and_kind_and_reading_goes_on(string because, string badRow, FeedErrorKind kind)
    {
        string text = string.Join('\n', Header, Good1, badRow, Good2);

        ReadResult result = Read(Utf8(text), "bad.csv", FeedFormat.Generic);

        FeedError error = result.SingleError;
        Assert.True(error.Kind == kind, $"{because}: expected {kind}, got {error}");
        Assert.Equal(("bad.csv", 3L), (error.File, error.Line));
        Assert.Equal([P("28155.1"), P("28155.2")], result.Marks.Select(r => r.Mark));
    }

    [Fact]
    public void Truncated_gzip_file_is_reported()
    {
        byte[] gzip = Gzip(GoldenBytes(File));

        ReadResult result = Read(gzip[..^1], File, FeedFormat.Generic);

        Assert.Equal(FeedErrorKind.TruncatedInput, result.SingleError.Kind);
    }

    [Theory]
    [InlineData("")]
    [InlineData(Header)]
    public void A_file_with_no_rows_is_reported_as_empty(string content)
    {
        ReadResult result = Read(Utf8(content), "empty.csv", FeedFormat.Generic);

        Assert.Equal(FeedErrorKind.EmptyFile, result.SingleError.Kind);
    }

    [Fact]
    public void Windows_line_endings_and_a_byte_order_mark_read_the_same()
    {
        byte[] windows = Utf8("\uFEFF" + System.IO.File.ReadAllText(Golden(File)).Replace("\n", "\r\n", StringComparison.Ordinal));

        ReadResult result = Read(windows, File, FeedFormat.Generic);

        Assert.Equal(Read(GoldenBytes(File), File, FeedFormat.Generic).Records, result.Records);
    }

    [Fact]
    public void Golden_file_round_trips_through_the_binary_format()
    {
        List<FeedRecord> original = Read(GoldenBytes(File), File, FeedFormat.Generic).Records;
        using var reader = new GenericCsvReader(new MemoryStream(GoldenBytes(File)), File, Options());

        ReadResult back = Read(ToBinary(reader), "generic.lqtk", FeedFormat.Binary);

        Assert.Equal(0, back.Errors.Total);
        Assert.Equal(original.Count, back.Records.Count);
        Assert.All(original.Zip(back.Records), p => Assert.True(p.First.HasSameMarketData(p.Second), $"{p.First} != {p.Second}"));
    }

    private static void AssertRecord(FeedRecord record, FeedRecordKind kind, long timestampUs, string symbol, string mark, string rate, long line)
    {
        Assert.Equal(kind, record.Kind);
        Assert.Equal(timestampUs, record.TimestampUs);
        Assert.Equal(symbol, record.Symbol);
        Assert.Equal(P(mark), record.Mark);
        Assert.Equal(R(rate), record.FundingRate);
        Assert.Equal(line, record.Line);
    }
}
