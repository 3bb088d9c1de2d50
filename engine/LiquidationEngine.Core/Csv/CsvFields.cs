namespace LiquidationEngine.Csv;

/// <summary>The one CSV splitter of the feeds' readers (UTF-8 bytes) and the position book files (text): commas
/// only, no quoting (none of the formats we read quote), fields returned as ranges so nothing is copied or allocated.</summary>
/// <remarks>Values are parsed afterwards by the callers' exact byte-level parsers, which name the line of each error.</remarks>
public static class CsvFields
{
    /// <summary>Splits a line of UTF-8 bytes on commas into <paramref name="fields"/>.</summary>
    /// <returns>The field count, or -1 when the line has more fields than <paramref name="fields"/> holds.</returns>
    public static int Split(ReadOnlySpan<byte> line, Span<Range> fields) => Split(line, (byte)',', fields);

    /// <summary>Splits a line of text on commas into <paramref name="fields"/>.</summary>
    /// <returns>The field count, or -1 when the line has more fields than <paramref name="fields"/> holds.</returns>
    public static int Split(ReadOnlySpan<char> line, Span<Range> fields) => Split(line, ',', fields);

    // One body for both: the JIT specialises it per element type, and IndexOf stays vectorised for byte and char.
    private static int Split<T>(ReadOnlySpan<T> line, T comma, Span<Range> fields)
        where T : IEquatable<T>
    {
        int count = 0;
        int start = 0;
        while (true)
        {
            if (count == fields.Length)
            {
                return -1;
            }

            int next = line[start..].IndexOf(comma);
            if (next < 0)
            {
                fields[count++] = new Range(start, line.Length);
                return count;
            }

            fields[count++] = new Range(start, start + next);
            start += next + 1;
        }
    }
}
