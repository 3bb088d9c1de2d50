using System.Globalization;
using System.IO.Compression;
using System.Text;
using BenchmarkDotNet.Attributes;
using LiquidationEngine.Feeds;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Benchmarks.Feeds;

/// <summary>
/// Replay parsing: how many source rows per second each feed format is read at, from a file held in memory (so disk
/// speed is not in the figure). 100,000 rows of synthetic data per format, shaped like the real recordings described
/// in docs/FEEDS.md (10 symbols, 1 ms apart); the figure is per source row.
/// </summary>
/// <remarks>A klines row is one bar and becomes four mark records; every other row is one record. The setup checks
/// that every row is read without an error.</remarks>
[MemoryDiagnoser]
public class FeedParsingBenchmarks
{
    private const int Rows = 100_000;
    private static readonly string[] Symbols = ["BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDT", "DOGEUSDT", "ADAUSDT", "AVAXUSDT", "LINKUSDT", "DOTUSDT"];
    private static readonly long[] Prices = [6_500_000_000_000, 320_000_000_000, 15_000_000_000, 58_000_000_000, 60_000_000, 15_000_000, 45_000_000, 3_500_000_000, 1_500_000_000, 700_000_000];

    private byte[] _file = [];
    private FeedFormat _formatEnum;
    private string _fileName = string.Empty;
    private int _recordsPerRow = 1;

    /// <summary>The format (and compression) read.</summary>
    [Params("binance-stream", "binance-stream.gz", "tardis", "binance-klines", "generic", "binary")]
    public string Format { get; set; } = "generic";

    [GlobalSetup]
    public void Setup()
    {
        (_file, _formatEnum, _recordsPerRow) = Format switch
        {
            "binance-stream" => (Text(BinanceStreamLine), FeedFormat.BinanceStream, 1),
            "binance-stream.gz" => (Gzip(Text(BinanceStreamLine)), FeedFormat.BinanceStream, 1),
            "tardis" => (Text(TardisLine, "exchange,symbol,timestamp,local_timestamp,funding_timestamp,funding_rate,predicted_funding_rate,open_interest,last_price,index_price,mark_price"), FeedFormat.Tardis, 1),
            "binance-klines" => (Text(KlinesLine, "open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore"), FeedFormat.BinanceKlines, 4),
            "generic" => (Text(GenericLine, "timestamp,symbol,mark_price,funding_rate"), FeedFormat.Generic, 1),
            "binary" => (Binary(), FeedFormat.Binary, 1),
            _ => throw new ArgumentOutOfRangeException(nameof(Format), Format, "unknown format"),
        };
        _fileName = _formatEnum == FeedFormat.BinanceKlines ? "BTCUSDT-1m-2023-04.csv" : "bench." + Format;
        var errors = new FeedErrorCollector();
        long records = Read(errors);
        if (records != (long)Rows * _recordsPerRow || errors.Total != 0)
        {
            throw new InvalidOperationException($"{Format}: read {records} records with {errors.Total} errors, expected {Rows * _recordsPerRow} and none");
        }

        Console.WriteLine($"// {Format}: {_file.Length / 1e6:F1} MB, {Rows:N0} rows, {records:N0} records");
    }

    /// <summary>Reads the whole file, record by record.</summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public long ReadAll() => Read(new FeedErrorCollector());

    private long Read(FeedErrorCollector errors)
    {
        var options = new FeedReaderOptions { Errors = errors, KlinesSymbol = "BTCUSDT" };
        using var stream = new MemoryStream(_file, writable: false);
        using FeedReader reader = FeedReaderFactory.Open(stream, _fileName, _formatEnum, options, leaveOpen: true);
        long records = 0;
        while (reader.TryRead(out FeedRecord _))
        {
            records++;
        }

        return records;
    }

    private static long TimeUs(int row) => 1_680_652_800_000_000L + (row * 1_000L);

    private static string Mark(int row)
    {
        long price = Prices[row % Prices.Length];
        long raw = price + (price / 10_000 * ((row / Prices.Length % 41) - 20));
        return new Price(raw).ToString();
    }

    private static string BinanceStreamLine(int row)
    {
        string symbol = Symbols[row % Symbols.Length];
        string p = Mark(row);
        long eventMs = TimeUs(row) / 1000;
        return string.Create(CultureInfo.InvariantCulture,
            $"{TimeUs(row) + 1_050} {{\"stream\":\"{symbol.ToLowerInvariant()}@markPrice@1s\",\"data\":{{\"e\":\"markPriceUpdate\",\"E\":{eventMs},\"s\":\"{symbol}\",\"p\":\"{p}\",\"P\":\"{p}\",\"i\":\"{p}\",\"r\":\"0.00002760\",\"T\":1680681600000}}}}");
    }

    private static string TardisLine(int row)
    {
        string p = Mark(row);
        return string.Create(CultureInfo.InvariantCulture,
            $"binance-futures,{Symbols[row % Symbols.Length]},{TimeUs(row)},{TimeUs(row) + 2_000},1680681600000000,0.0000276,0.0000281,81234.567,{p},{p},{p}");
    }

    private static string KlinesLine(int row)
    {
        long openMs = 1_680_307_200_000L + (row * 60_000L);
        string o = Mark(row * 10), c = Mark((row * 10) + 10);
        long high = Math.Max(Price.Parse(o).Raw, Price.Parse(c).Raw) + 100_000_000;
        long low = Math.Min(Price.Parse(o).Raw, Price.Parse(c).Raw) - 100_000_000;
        return string.Create(CultureInfo.InvariantCulture,
            $"{openMs},{o},{new Price(high)},{new Price(low)},{c},0,{openMs + 59_999},0,60,0,0,0");
    }

    private static string GenericLine(int row)
        => string.Create(CultureInfo.InvariantCulture, $"{TimeUs(row)},{Symbols[row % Symbols.Length]},{Mark(row)},");

    private static byte[] Text(Func<int, string> line, string? header = null)
    {
        var text = new StringBuilder(Rows * 128);
        if (header is not null)
        {
            text.Append(header).Append('\n');
        }

        for (int row = 0; row < Rows; row++)
        {
            text.Append(line(row)).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static byte[] Gzip(byte[] plain)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(plain);
        }

        return output.ToArray();
    }

    private static byte[] Binary()
    {
        using var output = new MemoryStream();
        using (var writer = new BinaryTickWriter(output, Symbols, leaveOpen: true))
        {
            for (int row = 0; row < Rows; row++)
            {
                writer.Write(FeedRecord.MarkPrice(TimeUs(row), Symbols[row % Symbols.Length], Price.Parse(Mark(row)), "bench", row + 1));
            }

            writer.Complete();
        }

        return output.ToArray();
    }
}
