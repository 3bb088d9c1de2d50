using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

public class FeedReaderFactoryTests
{
    [Theory]
    [InlineData("binance_small.dat", typeof(BinanceStreamReader))]
    [InlineData("tardis_small.csv", typeof(TardisDerivativeTickerReader))]
    [InlineData("BTCUSDT-1m-2023-04.csv", typeof(BinanceMarkPriceKlinesReader))]
    [InlineData("generic_small.csv", typeof(GenericCsvReader))]
    public void The_format_is_detected_from_the_content_plain_or_gzipped(string golden, Type readerType)
    {
        ReadResult plain = Read(GoldenBytes(golden), golden, FeedFormat.Auto);
        ReadResult gzipped = Read(Gzip(GoldenBytes(golden)), "renamed.bin", FeedFormat.Auto, new FeedReaderOptions { Symbols = Map, KlinesSymbol = "BTCUSDT" });

        Assert.Equal(readerType, plain.ReaderType);
        Assert.Equal(readerType, gzipped.ReaderType);
        Assert.Equal(0, plain.Errors.Total + gzipped.Errors.Total);
        Assert.NotEmpty(plain.Records);
    }

    [Fact]
    public void Headerless_klines_and_binary_files_are_detected_too()
    {
        byte[] headerless = Utf8("1680307200000,28465.1,28480.0,28460.0,28470.5,0,1680307259999,0,60,0,0,0");
        using var binary = new MemoryStream();
        using (var writer = new BinaryTickWriter(binary, leaveOpen: true))
        {
            writer.Complete();
        }

        Assert.Equal(typeof(BinanceMarkPriceKlinesReader), Read(headerless, "BTCUSDT-1m.csv", FeedFormat.Auto).ReaderType);
        Assert.Equal(typeof(BinaryTickReader), Read(binary.ToArray(), "x", FeedFormat.Auto).ReaderType);
    }

    [Fact]
    public void Unrecognised_content_is_reported_once_as_malformed_and_yields_nothing()
    {
        ReadResult result = Read(Utf8("this is not a feed\nat all\n"), "notes.txt", FeedFormat.Auto);

        Assert.Empty(result.Records);
        FeedError error = result.SingleError;
        Assert.Equal(("notes.txt", 1L, FeedErrorKind.MalformedLine), (error.File, error.Line, error.Kind));
        Assert.Contains("unrecognised format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unrecognised_content_throws_in_strict_mode()
        => Assert.Throws<FeedException>(() => Read(Utf8("garbage"), "g.txt", FeedFormat.Auto, Options(strict: true)));

    [Fact]
    public void An_empty_file_of_unknown_format_is_reported_as_empty()
    {
        ReadResult result = Read([], "nothing", FeedFormat.Auto);

        Assert.Equal(FeedErrorKind.EmptyFile, result.SingleError.Kind);
    }

    [Theory]
    [InlineData("binance-stream", FeedFormat.BinanceStream)]
    [InlineData("tardis", FeedFormat.Tardis)]
    [InlineData("binance-klines", FeedFormat.BinanceKlines)]
    [InlineData("generic", FeedFormat.Generic)]
    [InlineData("binary", FeedFormat.Binary)]
    [InlineData("AUTO", FeedFormat.Auto)]
    public void Format_names_parse_and_print_both_ways(string name, FeedFormat format)
    {
        Assert.True(FeedFormats.TryParse(name, out FeedFormat parsed));
        Assert.Equal(format, parsed);
        Assert.Equal(name.ToLowerInvariant(), FeedFormats.GetName(format));
    }

    [Fact]
    public void Files_open_by_format_name_and_merge_by_path_order()
    {
        FeedReaderOptions options = Options();
        using FeedReader byName = FeedReaderFactory.Open(Golden("generic_small.csv"), "generic", options);
        using FeedMerger merged = FeedReaderFactory.OpenMerged([Golden("tardis_small.csv"), Golden("binance_small.dat")], FeedFormat.Auto, options);

        Assert.IsType<GenericCsvReader>(byName);
        Assert.Throws<ArgumentException>(() => FeedReaderFactory.Open(Golden("generic_small.csv"), "csv", options));
        List<FeedRecord> records = Drain(merged);
        Assert.Equal(7 + 5, records.Count);
        FeedRecord firstTie = records.First(r => r.TimestampUs == 1_680_652_799_001_000);
        Assert.EndsWith("tardis_small.csv", firstTie.File, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_format_name_does_not_parse()
        => Assert.False(FeedFormats.TryParse("csv", out _));

    [Fact]
    public void A_non_seekable_gzip_stream_is_read_too()
    {
        using var stream = new NonSeekableStream(Gzip(GoldenBytes("generic_small.csv")));
        using FeedReader reader = FeedReaderFactory.Open(stream, "pipe", FeedFormat.Auto, Options());

        Assert.Equal(5, Drain(reader).Count);
    }

    [Fact]
    public void A_multi_member_gzip_file_is_read_whole_without_a_truncation_error()
    {
        byte[] text = GoldenBytes("binance_small.dat");
        int half = Array.IndexOf(text, (byte)'\n', text.Length / 2) + 1;
        byte[] twoMembers = [.. Gzip(text[..half]), .. Gzip(text[half..])];

        ReadResult result = Read(twoMembers, "two.gz", FeedFormat.Auto);

        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(Read(text, "two.gz", FeedFormat.Auto).Records, result.Records);
    }

    /// <summary>A read-only stream that cannot seek, like a pipe.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
