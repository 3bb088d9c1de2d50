using System.IO.Compression;
using LiquidationEngine.Host.Replay;
using LiquidationEngine.Instruments;
using LiquidationEngine.Risk;
using LiquidationEngine.Tests.Feeds;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

/// <summary>
/// "The candle never touched my liquidation price": a short whose liquidation price lies between 28,200 and 28,700
/// survives the real 2023-04-05 recording, whose 28,722.50 trade at 00:01:14.4 is a last-trade wick while the mark stayed
/// near 28,150; a mark series that does cross the price liquidates it.
/// </summary>
public sealed class WickReplayTests : IDisposable
{
    // Short 0.1 BTC at 28,150, 50x: M = 2,815 / 50 = 56.3.
    // LP = (M + cum + q·EP) / (q·MMR + q) = (56.3 + 2,815) / (0.1 × 0.004 + 0.1) = 2,871.3 / 0.1004 = 28,598.6055776…
    // BP = EP + M/q = 28,150 + 563 = 28,713.
    private const string Book = """
        balance,1,USDT,1000
        position,1,BTCUSDT,short,0.1,28150,50
        """;

    private readonly TempDirectory _dir = new();

    [Fact]
    public void The_test_short_has_its_liquidation_price_between_28200_and_28700()
    {
        Instrument btc = ReplayTestKit.Catalog.TryFind("BTCUSDT", out Instrument i) ? i : throw new InvalidOperationException();
        Assert.True(PositionRisk.TryLiquidationPrice(new RiskInputs(-1, 10_000_000, 2_815_000_000_000, 5_630_000_000, 50), btc, out long lp));
        Assert.Equal(2_859_860_557_768, lp);
    }

    [RequiresSharedDataFact(FeedTestKit.BinanceDay2)]
    public void A_short_liquidatable_between_28200_and_28700_is_not_liquidated_by_the_28722_50_trade_of_2023_04_05()
    {
        string recording = SharedData.Require(FeedTestKit.BinanceDay2);

        // The wick really is in the file: a trade (not a mark) printed at 28,722.50.
        Assert.True(ContainsLine(recording, "\"e\":\"trade\"", "\"p\":\"28722.50\""), "the recording should hold the 28,722.50 trade");

        (ReplayOutcome outcome, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out-real")) with
        {
            Inputs = [recording],
            PositionsPath = _dir.Write("book.csv", Book),
        });
        Assert.True(outcome.ExitCode == 0, printed);
        Assert.Equal(415, outcome.Result!.Marks);
        Assert.Equal(0, outcome.Result.OrdersByKind.Sum());
        Assert.Equal(1, outcome.Result.PositionsOpenAtEnd);
        Assert.Single(File.ReadAllLines(outcome.LiquidationsCsv!)); // the header only
    }

    [Fact]
    public void The_same_short_is_liquidated_by_a_generic_csv_mark_series_that_crosses_its_liquidation_price()
    {
        string marks = _dir.Write("marks.csv", """
            timestamp,symbol,mark_price
            2023-04-05T00:01:00Z,BTCUSDT,28150
            2023-04-05T00:01:01Z,BTCUSDT,28400
            2023-04-05T00:01:02Z,BTCUSDT,28598.6
            2023-04-05T00:01:03Z,BTCUSDT,28650
            2023-04-05T00:01:04Z,BTCUSDT,28660
            """);
        (ReplayOutcome outcome, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File("out-csv")) with
        {
            Inputs = [marks],
            PositionsPath = _dir.Write("book.csv", Book),
        });
        Assert.True(outcome.ExitCode == 0, printed);

        // 28,598.6 is just below the liquidation price (28,598.6055…): still safe. 28,650 crosses it.
        Dictionary<string, string> order = Assert.Single(ReplayTestKit.ReadCsv(outcome.LiquidationsCsv!), r => r["record"] == "order");
        Assert.Equal(("buy", "0.1", "28713", "28650", "2023-04-05T00:01:03.000000Z"), (order["side"], order["quantity"], order["price"], order["trigger_mark"], order["time_utc"]));
        Assert.Equal(0, outcome.Result!.PositionsOpenAtEnd);
    }

    public void Dispose() => _dir.Dispose();

    private static bool ContainsLine(string gzipPath, string first, string second)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gzipPath), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line)
        {
            if (line.Contains(first, StringComparison.Ordinal) && line.Contains(second, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
