using System.Globalization;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Feeds;

/// <summary>Exact parsing of the fields the readers share: prices, rates, integer and ISO-8601 timestamps, CSV splitting.</summary>
/// <remarks>Everything works on UTF-8 spans: no string is allocated for a valid line. Prices and rates go through
/// <see cref="FixedPoint.TryParse(ReadOnlySpan{byte}, int, out long)"/>, never through double or decimal.</remarks>
internal static class FieldParsing
{
    /// <summary>Parses a mark price: an exact positive decimal with at most 8 decimals.</summary>
    /// <returns>Null when valid; otherwise why not (an <see cref="FeedErrorKind.InvalidPrice"/> message).</returns>
    public static string? TryParsePrice(ReadOnlySpan<byte> text, out Price price)
    {
        ParseError error = FixedPoint.TryParse(text, Price.Decimals, out long raw);
        price = new Price(raw);
        return error switch
        {
            ParseError.None when raw > 0 => null,
            ParseError.None when raw == 0 => $"price {Quote(text)} is zero",
            ParseError.None => $"price {Quote(text)} is negative",
            ParseError.Empty => "price is empty",
            ParseError.TooManyDecimals => $"price {Quote(text)} has more than {Price.Decimals} non-zero decimals",
            ParseError.Overflow => $"price {Quote(text)} is too large",
            _ => $"price {Quote(text)} is not a number",
        };
    }

    /// <summary>Parses a funding rate: an exact decimal (either sign) with at most 10 decimals.</summary>
    /// <returns>Null when valid; otherwise why not (a <see cref="FeedErrorKind.MalformedLine"/> message).</returns>
    public static string? TryParseRate(ReadOnlySpan<byte> text, out Rate rate)
    {
        ParseError error = FixedPoint.TryParse(text, Rate.Decimals, out long raw);
        rate = new Rate(raw);
        return error switch
        {
            ParseError.None => null,
            ParseError.TooManyDecimals =>
                $"funding rate {Quote(text)} has more than {Rate.Decimals} non-zero decimals and cannot be held exactly",
            ParseError.Overflow => $"funding rate {Quote(text)} is too large",
            _ => $"funding rate {Quote(text)} is not a number",
        };
    }

    /// <summary>Rewrites a number in scientific notation (<c>2.5e-7</c>, as JavaScript prints small values) as a plain
    /// decimal (<c>0.00000025</c>), exactly: only the decimal point moves. Plain numbers are returned unchanged.</summary>
    /// <returns>The plain text (a slice of <paramref name="text"/> or of <paramref name="buffer"/>), or an empty span when
    /// the exponent form is invalid or too long for the buffer, which the fixed-point parser then rejects.</returns>
    public static ReadOnlySpan<byte> ExpandExponent(ReadOnlySpan<byte> text, Span<byte> buffer)
    {
        int e = text.IndexOfAny((byte)'e', (byte)'E');
        if (e < 0)
        {
            return text;
        }

        ReadOnlySpan<byte> mantissa = text[..e];
        if (!int.TryParse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int exponent)
            || exponent is < -40 or > 40 || mantissa.IsEmpty)
        {
            return "x"u8; // not a number: the caller's parser reports it
        }

        bool negative = mantissa[0] == '-';
        if (mantissa[0] is (byte)'-' or (byte)'+')
        {
            mantissa = mantissa[1..];
        }

        // digits without the point, and where the point was (count of integer digits)
        Span<byte> digits = stackalloc byte[64];
        int count = 0;
        int pointAt = -1;
        foreach (byte b in mantissa)
        {
            if (b == '.' && pointAt < 0)
            {
                pointAt = count;
            }
            else if ((uint)(b - '0') <= 9 && count < digits.Length)
            {
                digits[count++] = b;
            }
            else
            {
                return "x"u8;
            }
        }

        if (count == 0)
        {
            return "x"u8;
        }

        int integerDigits = (pointAt < 0 ? count : pointAt) + exponent;
        int needed = 2 + Math.Max(integerDigits, 1) + Math.Max(count - integerDigits, 0) + Math.Max(-integerDigits, 0);
        if (needed > buffer.Length)
        {
            return "x"u8;
        }

        int w = 0;
        if (negative)
        {
            buffer[w++] = (byte)'-';
        }

        if (integerDigits <= 0)
        {
            buffer[w++] = (byte)'0';
            buffer[w++] = (byte)'.';
            for (int i = 0; i < -integerDigits; i++)
            {
                buffer[w++] = (byte)'0';
            }

            digits[..count].CopyTo(buffer[w..]);
            w += count;
        }
        else
        {
            for (int i = 0; i < integerDigits; i++)
            {
                buffer[w++] = i < count ? digits[i] : (byte)'0';
            }

            if (integerDigits < count)
            {
                buffer[w++] = (byte)'.';
                digits[integerDigits..count].CopyTo(buffer[w..]);
                w += count - integerDigits;
            }
        }

        return buffer[..w];
    }

    /// <summary>Latest timestamp a reader accepts, µs: 9999-12-31T23:59:59.999999Z (the end of <see cref="DateTime"/>).</summary>
    public const long MaxTimestampUs = 253_402_300_799_999_999;

    /// <summary>Parses a non-negative integer made of ASCII digits only.</summary>
    public static bool TryParseDigits(ReadOnlySpan<byte> text, out long value)
        => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Milliseconds to microseconds, false on overflow.</summary>
    public static bool TryMillisToMicros(long millis, out long micros)
    {
        if (millis is < 0 or > long.MaxValue / 1000)
        {
            micros = 0;
            return false;
        }

        micros = millis * 1000;
        return true;
    }

    /// <summary>Parses a timestamp that is either integer microseconds since the epoch or ISO-8601 UTC
    /// (<c>2023-04-05T00:01:14.400Z</c>; a space may replace the T; <c>Z</c> or <c>+00:00</c>; up to 9 fraction
    /// digits, those past the 6th must be zeros).</summary>
    /// <returns>Null when valid; otherwise why not.</returns>
    public static string? TryParseTimestamp(ReadOnlySpan<byte> text, out long micros)
    {
        if (text.IsEmpty)
        {
            micros = 0;
            return "timestamp is empty";
        }

        if (TryParseDigits(text, out micros))
        {
            return null;
        }

        return TryParseIsoUtc(text, out micros)
            ? null
            : $"timestamp {Quote(text)} is neither integer microseconds nor ISO-8601 UTC (yyyy-MM-ddTHH:mm:ss[.ffffff]Z)";
    }

    /// <summary>A field's text for an error message: decoded, quoted, cut to 40 characters.</summary>
    public static string Quote(ReadOnlySpan<byte> utf8)
    {
        const int max = 40;
        string text = System.Text.Encoding.UTF8.GetString(utf8.Length > max * 4 ? utf8[..(max * 4)] : utf8);
        return text.Length > max ? $"'{text[..max]}...'" : $"'{text}'";
    }

    private static bool TryParseIsoUtc(ReadOnlySpan<byte> s, out long micros)
    {
        micros = 0;

        // yyyy-MM-ddTHH:mm:ss is 19 characters; then optional .fraction, then Z or +00:00.
        if (s.Length < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        {
            return false;
        }

        if (!TryDigits(s[..4], out int year) || !TryDigits(s[5..7], out int month) || !TryDigits(s[8..10], out int day)
            || !TryDigits(s[11..13], out int hour) || !TryDigits(s[14..16], out int minute) || !TryDigits(s[17..19], out int second))
        {
            return false;
        }

        if (year < 1970 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = s[19..];
        long fractionMicros = 0;
        if (!rest.IsEmpty && rest[0] == '.')
        {
            int digits = 1;
            while (digits < rest.Length && (uint)(rest[digits] - '0') <= 9)
            {
                digits++;
            }

            ReadOnlySpan<byte> fraction = rest[1..digits];
            if (fraction.IsEmpty || fraction.Length > 9)
            {
                return false;
            }

            for (int i = 0; i < fraction.Length; i++)
            {
                int d = fraction[i] - '0';
                if (i < 6)
                {
                    fractionMicros = (fractionMicros * 10) + d;
                }
                else if (d != 0)
                {
                    return false; // finer than a microsecond: not exactly representable
                }
            }

            for (int i = fraction.Length; i < 6; i++)
            {
                fractionMicros *= 10;
            }

            rest = rest[digits..];
        }

        if (!rest.SequenceEqual("Z"u8) && !rest.SequenceEqual("+00:00"u8))
        {
            return false;
        }

        long ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks - DateTime.UnixEpoch.Ticks;
        micros = (ticks / 10) + fractionMicros;
        return true;
    }

    private static bool TryDigits(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        foreach (byte b in s)
        {
            uint d = (uint)(b - '0');
            if (d > 9)
            {
                return false;
            }

            value = (value * 10) + (int)d;
        }

        return true;
    }
}
