using System.Numerics;
using System.Runtime.CompilerServices;

namespace LiquidationEngine.Numerics;

/// <summary>Which way a division that does not come out even is rounded.</summary>
/// <remarks>Requirements (margins, fees owed, funding charged) round <see cref="Up"/>;
/// payouts (PnL credited, margin released) round <see cref="Down"/>. Both are toward ±infinity,
/// never toward zero, so the sign of a value never changes the direction.</remarks>
public enum Rounding : byte
{
    /// <summary>Toward negative infinity (floor).</summary>
    Down = 0,

    /// <summary>Toward positive infinity (ceiling).</summary>
    Up = 1,
}

/// <summary>Why a decimal string could not be read as an exact fixed-point value.</summary>
public enum ParseError : byte
{
    /// <summary>Parsed.</summary>
    None = 0,
    /// <summary>Empty input.</summary>
    Empty,
    /// <summary>A character that is not a digit, one sign or one decimal point (NaN, exponent, spaces...).</summary>
    NotANumber,
    /// <summary>More non-zero decimals than the scale holds: the value is not exactly representable.</summary>
    TooManyDecimals,
    /// <summary>The value does not fit the 64-bit backing field.</summary>
    Overflow,
    /// <summary>Negative where only positive values make sense.</summary>
    Negative,
    /// <summary>Zero where only positive values make sense.</summary>
    Zero,
}

/// <summary>Exact decimal parsing, formatting and 128-bit rounding division shared by the fixed-point types.</summary>
public static class FixedPoint
{
    /// <summary>Powers of ten that fit a <see cref="long"/>.</summary>
    internal static ReadOnlySpan<long> Pow10 =>
    [
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L,
        1_000_000_000L, 10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L,
        10_000_000_000_000L, 100_000_000_000_000L, 1_000_000_000_000_000L,
        10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L,
    ];

    /// <summary>Divides with the given rounding; the result must fit a <see cref="long"/> or this throws.</summary>
    /// <exception cref="OverflowException">The quotient does not fit 64 bits.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Divide(Int128 numerator, Int128 denominator, Rounding rounding)
        => checked((long)DivideWide(numerator, denominator, rounding));

    /// <summary>128-bit division rounded toward -inf (<see cref="Rounding.Down"/>) or +inf (<see cref="Rounding.Up"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Int128 DivideWide(Int128 numerator, Int128 denominator, Rounding rounding)
    {
        Int128 q = Int128.DivRem(numerator, denominator).Quotient;
        Int128 r = numerator - (q * denominator);
        if (r != 0)
        {
            // Truncation went toward zero; fix up when that is the wrong way.
            bool exactIsNegative = (r < 0) != (denominator < 0);
            if (rounding == Rounding.Down && exactIsNegative)
            {
                q -= 1;
            }
            else if (rounding == Rounding.Up && !exactIsNegative)
            {
                q += 1;
            }
        }

        return q;
    }

    /// <summary>Reads a plain decimal string (<c>-123.4500</c>) into a value scaled by 10^<paramref name="decimals"/>.</summary>
    /// <remarks>Exact or rejected: extra decimals are allowed only when they are zeros. No exponents, no NaN, no spaces.</remarks>
    public static ParseError TryParse(ReadOnlySpan<char> text, int decimals, out long raw) => TryParseCore(text, decimals, out raw);

    /// <summary>UTF-8 variant of <see cref="TryParse(ReadOnlySpan{char}, int, out long)"/>, for feed readers.</summary>
    public static ParseError TryParse(ReadOnlySpan<byte> utf8, int decimals, out long raw) => TryParseCore(utf8, decimals, out raw);

    private static ParseError TryParseCore<TChar>(ReadOnlySpan<TChar> s, int decimals, out long raw)
        where TChar : unmanaged, IBinaryInteger<TChar>
    {
        raw = 0;
        if (s.IsEmpty)
        {
            return ParseError.Empty;
        }

        int i = 0;
        bool negative = false;
        int first = int.CreateTruncating(s[0]);
        if (first == '-' || first == '+')
        {
            negative = first == '-';
            i = 1;
        }

        ulong acc = 0;
        int fracDigits = 0;
        bool seenPoint = false;
        bool anyDigit = false;
        const ulong limit = long.MaxValue;
        for (; i < s.Length; i++)
        {
            int c = int.CreateTruncating(s[i]);
            if (c == '.')
            {
                if (seenPoint)
                {
                    return ParseError.NotANumber;
                }

                seenPoint = true;
                continue;
            }

            uint d = (uint)(c - '0');
            if (d > 9)
            {
                return ParseError.NotANumber;
            }

            anyDigit = true;
            if (seenPoint)
            {
                if (fracDigits == decimals)
                {
                    if (d != 0)
                    {
                        return ParseError.TooManyDecimals;
                    }

                    continue;
                }

                fracDigits++;
            }

            if (acc > (limit - d) / 10)
            {
                return ParseError.Overflow;
            }

            acc = (acc * 10) + d;
        }

        if (!anyDigit)
        {
            return ParseError.NotANumber;
        }

        for (; fracDigits < decimals; fracDigits++)
        {
            if (acc > limit / 10)
            {
                return ParseError.Overflow;
            }

            acc *= 10;
        }

        raw = negative ? -(long)acc : (long)acc;
        return ParseError.None;
    }

    /// <summary>Formats a scaled value exactly, without trailing zeros (<c>28147.27373413</c>, <c>-0.5</c>, <c>100</c>).</summary>
    public static string Format(long raw, int decimals)
    {
        Span<char> buffer = stackalloc char[48];
        int n = Format(raw, decimals, buffer);
        return new string(buffer[..n]);
    }

    /// <summary>Formats into <paramref name="destination"/> and returns the characters written (at most 41).</summary>
    public static int Format(long raw, int decimals, Span<char> destination)
    {
        Span<char> digits = stackalloc char[24];
        ulong magnitude = raw < 0 ? (ulong)(-(raw + 1)) + 1 : (ulong)raw;
        int len = 0;
        do
        {
            digits[len++] = (char)('0' + (int)(magnitude % 10));
            magnitude /= 10;
        }
        while (magnitude != 0);

        // digits holds the value reversed; pad so there is at least one integer digit.
        while (len <= decimals)
        {
            digits[len++] = '0';
        }

        int trailing = 0;
        while (trailing < decimals && digits[trailing] == '0')
        {
            trailing++;
        }

        int w = 0;
        if (raw < 0)
        {
            destination[w++] = '-';
        }

        for (int k = len - 1; k >= decimals; k--)
        {
            destination[w++] = digits[k];
        }

        if (trailing < decimals)
        {
            destination[w++] = '.';
            for (int k = decimals - 1; k >= trailing; k--)
            {
                destination[w++] = digits[k];
            }
        }

        return w;
    }
}
