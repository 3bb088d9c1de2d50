using System.Globalization;
using System.Text;
using LiquidationEngine.Host.Replay;
using LiquidationEngine.Numerics;
using LiquidationEngine.Replay;
using LiquidationEngine.Tests.Feeds;
using Xunit;

namespace LiquidationEngine.Tests.Replay;

/// <summary>Converting a tick file to the binary format and replaying both gives the same liquidations.</summary>
public sealed class ConvertRoundTripTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    [Fact]
    public void A_generic_csv_and_its_binary_conversion_replay_to_identical_liquidations_and_state()
    {
        // The built-in path (marks every 10 s, with its two funding settlements) written as generic CSV with venue symbols.
        string csv = _dir.File("scenario.csv");
        WriteScenarioAsGenericCsv(csv);
        string binary = _dir.File("scenario.lqtk");
        using var printed = new StringWriter();
        Assert.Equal(0, ConvertCommand.Run(new ConvertOptions { Inputs = [csv], Output = binary, InstrumentsPath = ReplayTestKit.InstrumentsPath }, printed));

        ReplayOutcome fromCsv = Replay(csv, "out-csv");
        ReplayOutcome fromBinary = Replay(binary, "out-binary");

        Assert.True(fromCsv.Result!.OrdersByKind.Sum() > 100, "the crash should liquidate positions");
        Assert.Equal(8, fromCsv.Result.FundingSettlements);
        Assert.Equal(fromCsv.Result.Marks, fromBinary.Result!.Marks);
        Assert.Equal(ReplayTestKit.Sha256(fromCsv.LiquidationsCsv!), ReplayTestKit.Sha256(fromBinary.LiquidationsCsv!));
        Assert.Equal(ReplayTestKit.Sha256(fromCsv.LiquidationsJsonl!), ReplayTestKit.Sha256(fromBinary.LiquidationsJsonl!));
        Assert.Equal(fromCsv.Result.StateHash, fromBinary.Result.StateHash);
    }

    [RequiresSharedDataFact(FeedTestKit.BinanceDay2)]
    public void The_real_binance_recording_and_its_binary_conversion_replay_to_identical_liquidations()
    {
        string recording = SharedData.Require(FeedTestKit.BinanceDay2);
        string binary = _dir.File("btcusdt_20230405.lqtk");
        using var printed = new StringWriter();
        Assert.Equal(0, ConvertCommand.Run(new ConvertOptions { Inputs = [recording], Output = binary, InstrumentsPath = ReplayTestKit.InstrumentsPath }, printed));

        ReplayOutcome fromRecording = Replay(recording, "out-recording", positions: 3_000);
        ReplayOutcome fromBinary = Replay(binary, "out-binary", positions: 3_000);
        Assert.Equal(415, fromRecording.Result!.Marks);
        Assert.Equal(fromRecording.Result.FundingSettlements, fromBinary.Result!.FundingSettlements);
        Assert.Equal(ReplayTestKit.Sha256(fromRecording.LiquidationsCsv!), ReplayTestKit.Sha256(fromBinary.LiquidationsCsv!));
        Assert.Equal(fromRecording.Result.StateHash, fromBinary.Result.StateHash);
    }

    public void Dispose() => _dir.Dispose();

    private ReplayOutcome Replay(string input, string output, int positions = 20_000)
    {
        (ReplayOutcome outcome, string printed) = ReplayTestKit.Run(ReplayTestKit.Options(_dir.File(output)) with
        {
            Inputs = [input],
            GeneratePositions = positions,
            Seed = 42,
        });
        Assert.True(outcome.ExitCode == 0, printed);
        return outcome;
    }

    private static void WriteScenarioAsGenericCsv(string path)
    {
        BuiltInScenario scenario = BuiltInScenario.Create(ReplayTestKit.Catalog, positions: 0, stepSeconds: 10);
        var venue = ReplayTestKit.Catalog.Aliases.ToDictionary(kv => kv.Value, kv => kv.Key);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false)) { NewLine = "\n" };
        writer.WriteLine("timestamp,symbol,mark_price,funding_rate");
        using ScenarioMarkPath input = scenario.NewInput();
        while (input.TryRead(out ReplayTick tick))
        {
            string symbol = venue[ReplayTestKit.Catalog[tick.Instrument].Symbol];
            string ts = tick.TimestampUs.ToString(CultureInfo.InvariantCulture);
            string mark = FixedPoint.Format(tick.Price, Price.Decimals);

            // A funding row states a settlement: the generic reader yields the mark, then the settlement.
            writer.WriteLine(tick.Kind == ReplayTickKind.Mark
                ? $"{ts},{symbol},{mark},"
                : $"{ts},{symbol},{mark},{FixedPoint.Format(tick.Rate, Rate.Decimals)}");
        }
    }
}
