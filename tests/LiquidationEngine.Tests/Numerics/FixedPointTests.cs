using LiquidationEngine.Numerics;
using Xunit;

namespace LiquidationEngine.Tests.Numerics;

public class FixedPointTests
{
    [Theory]
    [InlineData("28147.27373413", 2814727373413L)]
    [InlineData("0.00000001", 1L)]
    [InlineData("-12.5", -1250000000L)]
    [InlineData("100", 10000000000L)]
    [InlineData("1.100000000000", 110000000L)]
    public void Prices_parse_exactly_from_decimal_strings(string text, long raw)
        => Assert.Equal(raw, Price.Parse(text).Raw);

    [Theory]
    [InlineData("28147.27373413")]
    [InlineData("0.5")]
    [InlineData("-0.00000001")]
    [InlineData("92233720368.54775807")]
    [InlineData("0")]
    public void Formatting_gives_back_the_exact_text(string text)
        => Assert.Equal(text, Price.Parse(text).ToString());

    [Theory]
    [InlineData("NaN", ParseError.NotANumber)]
    [InlineData("1e5", ParseError.NotANumber)]
    [InlineData("", ParseError.Empty)]
    [InlineData("1.2.3", ParseError.NotANumber)]
    [InlineData(" 1", ParseError.NotANumber)]
    [InlineData("0.000000001", ParseError.TooManyDecimals)]
    [InlineData("92233720368.54775808", ParseError.Overflow)]
    [InlineData("-", ParseError.NotANumber)]
    public void Inexact_or_malformed_text_is_rejected_with_a_reason(string text, ParseError expected)
        => Assert.Equal(expected, FixedPoint.TryParse(text, 8, out _));

    [Fact]
    public void Utf8_parsing_matches_char_parsing()
    {
        Assert.Equal(ParseError.None, FixedPoint.TryParse("28147.27373413"u8, 8, out long raw));
        Assert.Equal(2814727373413L, raw);
    }

    [Fact]
    public void Rounding_goes_toward_minus_or_plus_infinity_whatever_the_sign()
    {
        Assert.Equal(2, FixedPoint.Divide(7, 3, Rounding.Down));
        Assert.Equal(3, FixedPoint.Divide(7, 3, Rounding.Up));
        Assert.Equal(-3, FixedPoint.Divide(-7, 3, Rounding.Down));
        Assert.Equal(-2, FixedPoint.Divide(-7, 3, Rounding.Up));
        Assert.Equal(-3, FixedPoint.Divide(7, -3, Rounding.Down));
        Assert.Equal(2, FixedPoint.Divide(6, 3, Rounding.Up));
    }

    [Fact]
    public void Notional_uses_128_bit_intermediates_and_rounds_as_asked()
    {
        // The raw product needs more than 64 bits before the division.
        Money down = FixedMath.Notional(Quantity.Parse("123.45678901"), Price.Parse("28147.27373413"), Rounding.Down);
        Money up = FixedMath.Notional(Quantity.Parse("123.45678901"), Price.Parse("28147.27373413"), Rounding.Up);
        // Exact: 12345678901 × 2814727373413 = 34749720346012022459113, / 10^8 = 347497203460120.22459113
        Assert.Equal(347497203460120L, down.Raw);
        Assert.Equal(347497203460121L, up.Raw);
    }

    [Fact]
    public void Overflow_raises_instead_of_wrapping()
    {
        var big = new Money(long.MaxValue);
        Assert.Throws<OverflowException>(() => big + new Money(1));
        Assert.Throws<OverflowException>(() => FixedMath.Notional(new Quantity(long.MaxValue), new Price(long.MaxValue), Rounding.Up));
    }
}
