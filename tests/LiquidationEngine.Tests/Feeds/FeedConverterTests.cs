using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

public sealed class FeedConverterTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("feeds-convert-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData("binance_small.dat", 4, 1, 3)]
    [InlineData("tardis_small.csv", 5, 2, 2)]
    [InlineData("BTCUSDT-1m-2023-04.csv", 12, 0, 1)]
    [InlineData("generic_small.csv", 4, 1, 1)]
    public void Converting_a_file_writes_a_binary_file_that_reads_back_the_same_records(string golden, long marks, long settlements, long skipped)
    {
        string output = Path.Combine(_directory, golden + ".lqtk");

        FeedConversionResult result = FeedConverter.Convert(Golden(golden), output, FeedFormat.Auto, Options());

        Assert.Equal((marks, settlements, skipped, 0L), (result.MarkRecords, result.SettlementRecords, result.SkippedLines, result.Errors));
        Assert.Equal(new FileInfo(output).Length, result.BytesWritten);
        Assert.False(File.Exists(output + ".tmp"));
        List<FeedRecord> original = Read(GoldenBytes(golden), Golden(golden), FeedFormat.Auto).Records;
        using FeedReader back = FeedReaderFactory.Open(output, FeedFormat.Auto, Options(strict: true));
        List<FeedRecord> copy = Drain(back);
        Assert.IsType<BinaryTickReader>(back);
        Assert.Equal(original.Count, copy.Count);
        Assert.All(original.Zip(copy), p => Assert.True(p.First.HasSameMarketData(p.Second), $"{p.First} != {p.Second}"));
    }

    [Fact]
    public void A_strict_conversion_of_a_bad_file_fails_and_leaves_no_output()
    {
        string input = Path.Combine(_directory, "bad.csv");
        string output = Path.Combine(_directory, "bad.lqtk");
        File.WriteAllText(input, "timestamp,symbol,mark_price\n1,BTCUSDT,1\n2,BTCUSDT,NaN\n");

        FeedException exception = Assert.Throws<FeedException>(() => FeedConverter.Convert(input, output, FeedFormat.Generic, Options(strict: true)));

        Assert.Equal((FeedErrorKind.InvalidPrice, 3L), (exception.Error.Kind, exception.Error.Line));
        Assert.False(File.Exists(output));
        Assert.False(File.Exists(output + ".tmp"));
    }

    [Fact]
    public void A_lenient_conversion_skips_bad_lines_and_counts_them()
    {
        string input = Path.Combine(_directory, "bad.csv");
        string output = Path.Combine(_directory, "bad.lqtk");
        File.WriteAllText(input, "timestamp,symbol,mark_price\n1,BTCUSDT,1\n2,BTCUSDT,NaN\n3,BTCUSDT,2\n");
        FeedReaderOptions options = Options();

        FeedConversionResult result = FeedConverter.Convert(input, output, FeedFormat.Generic, options);

        Assert.Equal(2, result.RecordsWritten);
        Assert.Equal(1, result.Errors);
        Assert.Equal(1, options.Errors().Count(FeedErrorKind.InvalidPrice));
    }
}
