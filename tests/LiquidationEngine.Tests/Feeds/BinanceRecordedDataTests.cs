using System.IO.Compression;
using System.Text;
using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

/// <summary>The real Binance USDⓈ-M recordings in shared/data (see shared/data/README.md), read as they are.</summary>
public class BinanceRecordedDataTests
{
    [RequiresSharedDataFact(BinanceDay1)]
    public void Binance_recording_yields_99_mark_updates_for_2023_04_04()
    {
        List<FeedRecord> records = ReadStrict(BinanceDay1);

        Assert.Equal(99, records.Count(r => r.Kind == FeedRecordKind.MarkPrice));
        Assert.DoesNotContain(records, r => r.Kind == FeedRecordKind.FundingSettlement);
        Assert.Equal(Us("2023-04-04T23:58:21Z"), records[0].TimestampUs);
        Assert.Equal(Us("2023-04-04T23:59:59.001Z"), records[^1].TimestampUs);
    }

    [RequiresSharedDataFact(BinanceDay2)]
    public void Binance_recording_yields_415_mark_updates_for_2023_04_05()
    {
        List<FeedRecord> records = ReadStrict(BinanceDay2);

        Assert.Equal(415, records.Count(r => r.Kind == FeedRecordKind.MarkPrice));
        Assert.True(records.Zip(records.Skip(1)).All(p => p.First.TimestampUs <= p.Second.TimestampUs), "records are in time order");
    }

    [RequiresSharedDataFact(BinanceDay2)]
    public void Funding_settles_at_2023_04_05_midnight_at_the_rate_in_force_before_T_rolls_over()
    {
        List<FeedRecord> records = ReadStrict(BinanceDay2);

        // Raw lines 5 and 12 of the file:
        //   E=1680652800010 p=28155.10000000 r=0.00002760 T=1680652800000   (10 ms after midnight, old T)
        //   E=1680652801000 p=28155.20000000 r=0.00002760 T=1680681600000   (T rolled over)
        FeedRecord settlement = Assert.Single(records, r => r.Kind == FeedRecordKind.FundingSettlement);
        Assert.Equal(Us("2023-04-05T00:00:00Z"), settlement.TimestampUs);
        Assert.Equal(1_680_652_800_000_000, settlement.TimestampUs);
        Assert.Equal(R("0.0000276"), settlement.FundingRate);
        Assert.Equal(P("28155.1"), settlement.Mark);
        Assert.Equal("BTC-USDT-PERP", settlement.Symbol);
        Assert.Equal(12, settlement.Line);

        // The settlement comes first: the mark stamped 00:00:00.010 was read before the rollover showed.
        Assert.Same(records[0].Symbol, settlement.Symbol);
        Assert.Equal(FeedRecordKind.FundingSettlement, records[0].Kind);
        Assert.Equal(1_680_652_800_010_000, records[1].TimestampUs);
    }

    [RequiresSharedDataFact(BinanceDay2)]
    public void Marks_stay_within_28138_and_28159_around_the_28722_50_trade_at_00_01_14()
    {
        string path = SharedData.Require(BinanceDay2);
        Assert.True(RawFileContainsTradeAt(path, "\"p\":\"28722.50\""), "the recording holds the 28,722.50 trade");

        List<FeedRecord> records = ReadStrict(BinanceDay2);
        List<FeedRecord> window = [.. records.Where(r => r.Kind == FeedRecordKind.MarkPrice
            && r.TimestampUs >= Us("2023-04-05T00:01:10Z") && r.TimestampUs < Us("2023-04-05T00:01:20Z"))];

        Assert.Equal(10, window.Count);
        Assert.All(window, r => Assert.InRange(r.Mark.Raw, P("28138").Raw, P("28159").Raw));
        Assert.DoesNotContain(records, r => r.Mark == P("28722.5"));
    }

    [RequiresSharedDataFact(BinanceDay1, BinanceDay2)]
    public void Both_recordings_round_trip_through_the_binary_format_record_for_record()
    {
        foreach (string file in new[] { BinanceDay1, BinanceDay2 })
        {
            List<FeedRecord> original = ReadStrict(file);
            using FeedReader reader = FeedReaderFactory.Open(SharedData.Require(file), FeedFormat.Auto, Options(strict: true));
            byte[] binary = ToBinary(reader, Map.InstrumentSymbols);

            ReadResult back = Read(binary, file + ".lqtk", FeedFormat.Auto, Options(strict: true));

            Assert.Equal(typeof(BinaryTickReader), back.ReaderType);
            Assert.Equal(original.Count, back.Records.Count);
            Assert.All(original.Zip(back.Records), p => Assert.True(p.First.HasSameMarketData(p.Second), $"{p.First} != {p.Second}"));
            Assert.Equal(original.Count + 1, back.Statistics.LinesRead); // + the end marker
        }
    }

    [RequiresSharedDataFact(BinanceDay1, BinanceDay2)]
    public void The_two_days_merge_into_one_ordered_stream()
    {
        using var merger = new FeedMerger(
        [
            FeedReaderFactory.Open(SharedData.Require(BinanceDay2), FeedFormat.Auto, Options()),
            FeedReaderFactory.Open(SharedData.Require(BinanceDay1), FeedFormat.Auto, Options()),
        ]);

        List<FeedRecord> merged = Drain(merger);

        Assert.Equal(99 + 415 + 1, merged.Count);
        Assert.EndsWith("btcusdt_20230404.dat.gz", merged[0].File, StringComparison.Ordinal);
        Assert.EndsWith("btcusdt_20230405.dat.gz", merged[^1].File, StringComparison.Ordinal);
        Assert.True(merged.Zip(merged.Skip(1)).All(p => p.First.TimestampUs <= p.Second.TimestampUs));
        Assert.Equal(new FeedReaderStatistics(13_384 + 60_381, 514, 1, 13_285 + 59_966, 0), merger.Statistics);
    }

    private static List<FeedRecord> ReadStrict(string relativePath)
    {
        using FeedReader reader = FeedReaderFactory.Open(SharedData.Require(relativePath), FeedFormat.Auto, Options(strict: true));
        Assert.IsType<BinanceStreamReader>(reader);
        return Drain(reader);
    }

    private static bool RawFileContainsTradeAt(string path, string priceField)
    {
        using var gzip = new GZipStream(System.IO.File.OpenRead(path), CompressionMode.Decompress);
        using var text = new StreamReader(gzip, Encoding.UTF8);
        while (text.ReadLine() is string line)
        {
            if (line.Contains("\"e\":\"trade\"", StringComparison.Ordinal) && line.Contains(priceField, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
