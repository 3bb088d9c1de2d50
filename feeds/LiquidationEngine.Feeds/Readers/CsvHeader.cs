namespace LiquidationEngine.Feeds;

/// <summary>Column positions read from a CSV header line, looked up by name.</summary>
internal sealed class CsvHeader
{
    private readonly string[] _names;

    private CsvHeader(string[] names) => _names = names;

    /// <summary>Number of columns; every data row must have exactly this many fields.</summary>
    public int ColumnCount => _names.Length;

    /// <summary>Reads a header line: comma-separated names, trimmed, case-insensitive.</summary>
    public static CsvHeader Parse(ReadOnlySpan<byte> line)
    {
        string text = System.Text.Encoding.UTF8.GetString(line);
        return new CsvHeader([.. text.Split(',').Select(n => n.Trim().ToUpperInvariant())]);
    }

    /// <summary>Index of column <paramref name="name"/>, or -1.</summary>
    public int IndexOf(string name) => Array.IndexOf(_names, name.ToUpperInvariant());

    /// <summary>True when every one of <paramref name="names"/> is a column.</summary>
    public bool HasAll(params ReadOnlySpan<string> names)
    {
        foreach (string name in names)
        {
            if (IndexOf(name) < 0)
            {
                return false;
            }
        }

        return true;
    }
}
