using LiquidationEngine.Feeds;
using LiquidationEngine.Numerics;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

using LiquidationEngine.Contracts;

namespace LiquidationEngine.Tests.Feeds;

public class BinaryTickFormatTests
{
    private const long T0 = 1_680_652_800_000_000;

    private static readonly FeedRecord[] Sample =
    [
        FeedRecord.MarkPrice(T0 - 1_000, "BTC-USDT-PERP", P("28157.1"), "src", 1),
        FeedRecord.FundingSettlement(T0, "BTC-USDT-PERP", P("28155.1"), R("0.0000276"), "src", 2),
        FeedRecord.MarkPrice(T0, "ETH-USDT-PERP", P("1870.25"), "src", 3),
        FeedRecord.FundingSettlement(T0 + 5, "ETH-USDT-PERP", Price.Zero, R("-0.0001234567"), "src", 4),
        FeedRecord.MarkPrice(T0 + 10, "BTC-USDT-PERP", P("0.00000001"), "src", 5),
    ];

    [Fact]
    public void The_reference_CRC_32C_gives_the_standard_check_value()
        => Assert.Equal(0xE306_9283u, LqtkBytes.Crc32C("123456789"u8));

    [Fact]
    public void The_writer_lays_out_header_and_records_exactly_as_documented()
    {
        using var output = new MemoryStream();
        using (var writer = new BinaryTickWriter(output, ["BTC-USDT-PERP"], leaveOpen: true))
        {
            writer.Write(Sample[0]);
            writer.Write(Sample[2]); // ETH is not in the header: a symbol definition comes first
            writer.Complete();
        }

        byte[] expected = LqtkBytes.WithHeader("BTC-USDT-PERP")
            .Mark(0, T0 - 1_000, 2_815_710_000_000)
            .Define(1, "ETH-USDT-PERP")
            .Mark(1, T0, 187_025_000_000)
            .End(2)
            .ToArray();
        Assert.Equal(expected, output.ToArray());
    }

    [Fact]
    public void A_hand_built_file_reads_back_field_by_field()
    {
        byte[] file = LqtkBytes.WithHeader("BTC-USDT-PERP")
            .Mark(0, T0, 2_815_510_000_000)
            .Settlement(0, T0 + 1, 2_815_510_000_000, 276_000)
            .End(2)
            .ToArray();

        ReadResult result = Read(file, "hand.lqtk", FeedFormat.Binary);

        Assert.Equal(0, result.Errors.Total);
        Assert.Collection(
            result.Records,
            r => Assert.Equal(FeedRecord.MarkPrice(T0, "BTC-USDT-PERP", P("28155.1"), "hand.lqtk", 1), r),
            r => Assert.Equal(FeedRecord.FundingSettlement(T0 + 1, "BTC-USDT-PERP", P("28155.1"), R("0.0000276"), "hand.lqtk", 2), r));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Records_round_trip_identically_plain_or_gzipped(bool gzipped)
    {
        byte[] file = Write(Sample);

        ReadResult result = Read(gzipped ? Gzip(file) : file, "sample.lqtk", FeedFormat.Auto);

        Assert.Equal(typeof(BinaryTickReader), result.ReaderType);
        Assert.Equal(0, result.Errors.Total);
        Assert.Equal(Sample.Length, result.Records.Count);
        Assert.All(Sample.Zip(result.Records), p => Assert.True(p.First.HasSameMarketData(p.Second), $"{p.First} != {p.Second}"));
        Assert.All(result.Records, r => Assert.Equal("sample.lqtk", r.File));
        Assert.Equal([2L, 3, 5, 6, 7], result.Records.Select(r => r.Line)); // record numbers: 1 and 4 define the symbols
    }

    [Fact]
    public void A_file_with_no_records_is_valid_and_reads_nothing()
    {
        ReadResult result = Read(Write([]), "none.lqtk", FeedFormat.Binary);

        Assert.Empty(result.Records);
        Assert.Equal(0, result.Errors.Total);
    }

    [Fact]
    public void The_writer_refuses_records_the_readers_would_reject()
    {
        using var writer = new BinaryTickWriter(new MemoryStream());
        writer.Write(Sample[1]);

        Assert.Throws<ArgumentException>(() => writer.Write(Sample[0])); // older
        Assert.Throws<ArgumentException>(() => writer.Write(FeedRecord.MarkPrice(T0 + 1, "BTC-USDT-PERP", Price.Zero, "x", 1)));
        Assert.Throws<ArgumentException>(() => writer.Write(FeedRecord.MarkPrice(T0 + 1, "A-SYMBOL-FAR-TOO-LONG-FOR-24-BYTES", P("1"), "x", 1)));
    }

    [Fact]
    public void A_file_whose_writer_was_disposed_without_Complete_reads_as_truncated()
    {
        using var output = new MemoryStream();
        using (var writer = new BinaryTickWriter(output, leaveOpen: true))
        {
            writer.Write(Sample[0]);
        }

        ReadResult result = Read(output.ToArray(), "unfinished.lqtk", FeedFormat.Binary);

        Assert.Single(result.Records);
        Assert.Equal((FeedErrorKind.TruncatedInput, 3L), (result.SingleError.Kind, result.SingleError.Line));
    }

    [Fact]
    public void A_damaged_record_is_reported_as_corrupt_and_the_others_are_still_read()
    {
        byte[] file = Write(Sample);
        int headerSize = file.Length - ((Sample.Length + 3) * 32); // 2 symbol definitions + end marker
        file[headerSize + 32 + 20] ^= 0x40; // a bit of the price of record 2, the first mark (record 1 defines BTC)

        ReadResult result = Read(file, "damaged.lqtk", FeedFormat.Binary);

        FeedError error = result.SingleError;
        Assert.Equal((FeedErrorKind.CorruptInput, 2L), (error.Kind, error.Line));
        Assert.Equal(Sample.Length - 1, result.Records.Count);
        Assert.DoesNotContain(result.Records, r => r.TimestampUs == Sample[0].TimestampUs);
    }

    public static TheoryData<string, byte[], FeedErrorKind, long> BadFiles => new()
    {
        { "bad magic", [.. "LQTX"u8, .. LqtkBytes.WithHeader().End(0).ToArray()[4..]], FeedErrorKind.CorruptInput, 0 },
        { "header CRC", Flip(LqtkBytes.WithHeader("BTC-USDT-PERP").End(0).ToArray(), 13), FeedErrorKind.CorruptInput, 0 },
        { "unknown record kind", LqtkBytes.WithHeader("BTC-USDT-PERP").Add(LqtkBytes.Record(9, 0, T0, 1, 0)).End(0).ToArray(), FeedErrorKind.CorruptInput, 1 },
        { "undefined symbol index", LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(1, T0, 1).End(1).ToArray(), FeedErrorKind.CorruptInput, 1 },
        { "end marker count", LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, 1).End(2).ToArray(), FeedErrorKind.CorruptInput, 2 },
        { "data after the end", LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, 1).End(1).Mark(0, T0, 1).ToArray(), FeedErrorKind.CorruptInput, 3 },
        { "zero mark", LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, 0).End(1).ToArray(), FeedErrorKind.InvalidPrice, 1 },
        { "negative mark", LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, -5).End(1).ToArray(), FeedErrorKind.InvalidPrice, 1 },
        { "negative settlement mark", LqtkBytes.WithHeader("BTC-USDT-PERP").Settlement(0, T0, -5, 1).End(1).ToArray(), FeedErrorKind.InvalidPrice, 1 },
        { "unknown symbol", LqtkBytes.WithHeader("DOGE-USDT-PERP").Mark(0, T0, 1).End(1).ToArray(), FeedErrorKind.UnknownSymbol, 1 },
        { "older than the previous record", LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, 1).Mark(0, T0 - 1, 1).End(2).ToArray(), FeedErrorKind.OutOfOrderTimestamp, 2 },
        { "cut in a record", LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, 1).End(1).ToArray()[..^10], FeedErrorKind.TruncatedInput, 2 },
        { "no end marker", LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, 1).ToArray(), FeedErrorKind.TruncatedInput, 2 },
        { "cut in the header", LqtkBytes.WithHeader("BTC-USDT-PERP").ToArray()[..15], FeedErrorKind.TruncatedInput, 0 },
        { "truncated gzip", Gzip(LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, 1).End(1).ToArray())[..^5], FeedErrorKind.TruncatedInput, 3 },
        { "empty file", [], FeedErrorKind.EmptyFile, 1 },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_binary_file_is_reported_with_the_record_number_and_kind(string because, byte[] file, FeedErrorKind kind, long recordNumber)
    {
        ReadResult result = Read(file, "bad.lqtk", FeedFormat.Binary);

        FeedError error = Assert.Single(result.Errors.Errors);
        Assert.True(error.Kind == kind, $"{because}: expected {kind}, got {error}");
        Assert.Equal("bad.lqtk", error.File);
        Assert.Equal(recordNumber, error.Line);
    }

    [Fact]
    public void Strict_mode_throws_on_a_damaged_record()
    {
        byte[] file = Flip(LqtkBytes.WithHeader("BTC-USDT-PERP").Mark(0, T0, 1).End(1).ToArray(), 40);

        Assert.Throws<FeedException>(() => Read(file, "bad.lqtk", FeedFormat.Binary, Options(strict: true)));
    }

    private static byte[] Write(IEnumerable<FeedRecord> records)
    {
        using var output = new MemoryStream();
        using (var writer = new BinaryTickWriter(output, leaveOpen: true))
        {
            foreach (FeedRecord record in records)
            {
                writer.Write(record);
            }

            writer.Complete();
        }

        return output.ToArray();
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        bytes[index] ^= 0x01;
        return bytes;
    }
}
