using LiquidationEngine.Feeds;
using Xunit;
using static LiquidationEngine.Tests.Feeds.FeedTestKit;

namespace LiquidationEngine.Tests.Feeds;

public class SymbolMapTests
{
    [Fact]
    public void Venue_symbols_map_to_instruments_and_instruments_map_to_themselves()
    {
        SymbolMap map = SymbolMap.FromPairs(("BTCUSDT", "BTC-USDT-PERP"), ("XBTUSD", "BTC-USDT-PERP"));

        Assert.True(map.TryMap("BTCUSDT", out string? fromBinance));
        Assert.True(map.TryMap("XBTUSD", out string? fromOther));
        Assert.True(map.TryMap("BTC-USDT-PERP", out string? itself));
        Assert.False(map.TryMap("ETHUSDT", out _));
        Assert.Equal("BTC-USDT-PERP", fromBinance);
        Assert.Same(fromBinance, fromOther);
        Assert.Same(fromBinance, itself);
        Assert.Equal(["BTC-USDT-PERP"], map.InstrumentSymbols);
    }

    [Fact]
    public void Equal_instrument_names_given_as_different_strings_share_one_instance()
    {
        string first = new("BTC-USDT-PERP".AsSpan());
        string second = new("BTC-USDT-PERP".AsSpan());
        SymbolMap map = SymbolMap.FromPairs(("BTCUSDT", first), ("BTCUSDT_PERP", second));

        map.TryMap("BTCUSDT", out string? a);
        map.TryMap("BTCUSDT_PERP", out string? b);

        Assert.Same(a, b);
    }

    [Fact]
    public void One_venue_symbol_mapped_to_two_instruments_is_refused()
        => Assert.Throws<ArgumentException>(() => SymbolMap.FromPairs(("BTCUSDT", "BTC-USDT-PERP"), ("BTCUSDT", "BTC-USDC-PERP")));

    [Theory]
    [InlineData("")]
    [InlineData("BTC USDT")]
    [InlineData("BTC\tUSDT")]
    [InlineData("BTC€USDT")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXY")]
    public void Invalid_symbols_are_refused(string symbol)
        => Assert.Throws<ArgumentException>(() => SymbolMap.FromPairs((symbol, "BTC-USDT-PERP")));

    [Fact]
    public void Pass_through_accepts_any_symbol_and_hands_out_one_instance_per_name()
    {
        SymbolMap map = SymbolMap.PassThrough;

        Assert.True(map.TryMap("PEPEUSDT".AsSpan(), out string? a));
        Assert.True(map.TryMap(new string("PEPEUSDT".AsSpan()), out string? b));
        Assert.Same(a, b);
        Assert.True(map.IsPassThrough);
        Assert.False(map.TryMap(" ", out _));
    }

    [Fact]
    public void A_symbol_too_long_for_the_binary_format_is_an_unknown_symbol_even_with_pass_through()
    {
        const string csv = "timestamp,symbol,mark_price\n1,ABCDEFGHIJKLMNOPQRSTUVWXY,1\n2,BTCUSDT,2\n";
        var options = new FeedReaderOptions { Symbols = SymbolMap.PassThrough };
        using var reader = new GenericCsvReader(new MemoryStream(Utf8(csv)), "long.csv", options);

        byte[] binary = ToBinary(reader);

        Assert.Equal(FeedErrorKind.UnknownSymbol, Assert.Single(options.Errors().Errors).Kind);
        Assert.Single(Read(binary, "long.lqtk", FeedFormat.Binary, new FeedReaderOptions { Symbols = SymbolMap.PassThrough }).Records);
    }

    [Fact]
    public void Records_read_with_pass_through_share_the_symbol_instance_across_files()
    {
        var options = new FeedReaderOptions { Symbols = SymbolMap.PassThrough };

        ReadResult one = Read(GoldenBytes("binance_small.dat"), "one", FeedFormat.Auto, options);
        ReadResult two = Read(GoldenBytes("tardis_small.csv"), "two", FeedFormat.Auto, options);

        Assert.Equal("BTCUSDT", one.Records[0].Symbol);
        Assert.All(one.Records.Concat(two.Records), r => Assert.Same(one.Records[0].Symbol, r.Symbol));
    }
}
