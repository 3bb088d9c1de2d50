using Xunit;
using System.IO.Compression;
using System.Text;
using LiquidationEngine.Feeds;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Tests.Feeds;

/// <summary>Small helpers shared by the feed tests.</summary>
internal static class FeedTestKit
{
    public const string BinanceDay1 = "binance-usdm/btcusdt_20230404.dat.gz";
    public const string BinanceDay2 = "binance-usdm/btcusdt_20230405.dat.gz";

    /// <summary>The usual map of the tests: BTCUSDT → BTC-USDT-PERP, ETHUSDT → ETH-USDT-PERP.</summary>
    public static SymbolMap Map { get; } = SymbolMap.FromPairs(("BTCUSDT", "BTC-USDT-PERP"), ("ETHUSDT", "ETH-USDT-PERP"));

    /// <summary>Path of a golden file under Data/feeds in the test output.</summary>
    public static string Golden(string name) => Path.Combine(AppContext.BaseDirectory, "Data", "feeds", name);

    public static byte[] GoldenBytes(string name) => File.ReadAllBytes(Golden(name));

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>Microseconds since the epoch of an ISO-8601 UTC time, for readable expectations.</summary>
    public static long Us(string isoUtc)
        => (DateTimeOffset.Parse(isoUtc, System.Globalization.CultureInfo.InvariantCulture).UtcTicks - DateTime.UnixEpoch.Ticks) / 10;

    public static Price P(string text) => Price.Parse(text);

    public static Rate R(string text) => Rate.Parse(text);

    public static FeedReaderOptions Options(SymbolMap? map = null, bool strict = false)
        => new() { Symbols = map ?? Map, Errors = new FeedErrorCollector(), Strict = strict };

    public static FeedErrorCollector Errors(this FeedReaderOptions options) => (FeedErrorCollector)options.Errors;

    /// <summary>Reads every record.</summary>
    public static List<FeedRecord> Drain(IFeedReader reader)
    {
        var records = new List<FeedRecord>();
        while (reader.TryRead(out FeedRecord record))
        {
            records.Add(record);
        }

        return records;
    }

    /// <summary>Reads <paramref name="content"/> as file <paramref name="file"/> in <paramref name="format"/>.</summary>
    public static ReadResult Read(byte[] content, string file, FeedFormat format, FeedReaderOptions? options = null)
    {
        options ??= Options();
        using FeedReader reader = FeedReaderFactory.Open(new MemoryStream(content), file, format, options);
        List<FeedRecord> records = Drain(reader);
        return new ReadResult(records, options.Errors(), reader.Statistics, reader.GetType());
    }

    /// <summary>Converts the records of a reader to the binary format in memory and returns the bytes.</summary>
    public static byte[] ToBinary(IFeedReader reader, IEnumerable<string>? headerSymbols = null)
    {
        using var output = new MemoryStream();
        FeedConverter.Convert(reader, output, headerSymbols);
        return output.ToArray();
    }

    public sealed record ReadResult(List<FeedRecord> Records, FeedErrorCollector Errors, FeedReaderStatistics Statistics, Type ReaderType)
    {
        public List<FeedRecord> Marks => [.. Records.Where(r => r.Kind == FeedRecordKind.MarkPrice)];

        public List<FeedRecord> Settlements => [.. Records.Where(r => r.Kind == FeedRecordKind.FundingSettlement)];

        public FeedError SingleError => Assert.Single(Errors.Errors);
    }
}
