using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

/// <summary>Damaged copies of the golden files (bytes flipped, cut, garbage inserted): reading never throws, and
/// whatever comes out is still well-formed.</summary>
public class MangledInputTests
{
    public static TheoryData<string, bool> Files => new()
    {
        { "binance_small.dat", false }, { "binance_small.dat", true },
        { "tardis_small.csv", false }, { "tardis_small.csv", true },
        { "BTCUSDT-1m-2023-04.csv", false }, { "BTCUSDT-1m-2023-04.csv", true },
        { "generic_small.csv", false }, { "generic_small.csv", true },
        { "binary", false }, { "binary", true },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Damaged_files_never_throw_and_never_yield_a_bad_record(string golden, bool gzipped)
    {
        byte[] original = golden == "binary" ? BinaryOfGoldenTardis() : GoldenBytes(golden);
        if (gzipped)
        {
            original = Gzip(original);
        }

        var random = new Random((golden.Length * 2) + (gzipped ? 1 : 0)); // fixed seed: failures reproduce
        for (int attempt = 0; attempt < 300; attempt++)
        {
            byte[] damaged = Mangle(original, random);

            ReadResult result = Read(damaged, "BTCUSDT-damaged", golden == "binary" ? FeedFormat.Binary : FeedFormat.Auto);

            Assert.All(result.Records, r => Assert.True(r.Kind == FeedRecordKind.FundingSettlement ? r.Mark.Raw >= 0 : r.Mark.Raw > 0, r.ToString()));
            Assert.All(result.Records.Zip(result.Records.Skip(1)), p => Assert.True(p.First.TimestampUs <= p.Second.TimestampUs, $"{p.First} then {p.Second}"));
            Assert.All(result.Records, r => Assert.InRange(r.TimestampUs, 0, 253_402_300_799_999_999));
        }
    }

    private static byte[] BinaryOfGoldenTardis()
    {
        using var reader = new TardisDerivativeTickerReader(new MemoryStream(GoldenBytes("tardis_small.csv")), "t", Options());
        return ToBinary(reader);
    }

    private static byte[] Mangle(byte[] original, Random random)
    {
        byte[] bytes = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (int i = random.Next(1, 4); i > 0; i--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                }

                return bytes;
            case 1:
                return bytes[..random.Next(bytes.Length)];
            case 2:
                int at = random.Next(bytes.Length);
                byte[] garbage = new byte[random.Next(1, 16)];
                random.NextBytes(garbage);
                return [.. bytes[..at], .. garbage, .. bytes[at..]];
            default:
                bytes[random.Next(bytes.Length)] = (byte)"0123456789,.-eE{}\"\n"[random.Next(19)];
                return bytes;
        }
    }
}
