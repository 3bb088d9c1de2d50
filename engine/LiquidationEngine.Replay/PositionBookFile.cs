using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Csv;

namespace LiquidationEngine.Replay;

/// <summary>
/// Reads and writes positions snapshots: accounts' main balances and their isolated positions, as CSV or JSON
/// (chosen by the <c>.json</c> extension). The formats are documented in docs/REPLAY.md.
/// </summary>
/// <remarks>
/// <para>CSV, one record per line, <c>#</c> starts a comment, blank lines are ignored, an optional header line
/// starts with <c>record,</c>:</para>
/// <code>
/// balance,&lt;account&gt;,&lt;asset&gt;,&lt;amount&gt;
/// position,&lt;account&gt;,&lt;symbol&gt;,&lt;long|short&gt;,&lt;quantity&gt;,&lt;entry price&gt;,&lt;leverage&gt;[,&lt;extra margin&gt;]
/// </code>
/// <para>JSON: <c>{"accounts":[{"account":1,"balances":{"USDT":"1000"}}],"positions":[{"account":1,"symbol":"BTCUSDT",
/// "side":"long","quantity":"0.5","entryPrice":"65000","leverage":10,"extraMargin":"0"}]}</c>. Decimals may be JSON
/// strings or numbers; either way they are read exactly from their text, never through a binary float.</para>
/// <para>Every bad row is reported with <c>file:line</c> and skipped; in strict mode the first one throws
/// <see cref="PositionBookException"/>. Economic checks (balance, leverage against the bracket) are left to the
/// engine, whose rejections the replay reports against the same line.</para>
/// </remarks>
public static class PositionBookFile
{
    /// <summary>Fields a book CSV row may have before it is rejected unread (rows have 4 to 8).</summary>
    private const int MaxCsvFields = 16;

    /// <summary>Loads a positions file.</summary>
    /// <param name="path">The file; <c>.json</c> is read as JSON, anything else as CSV.</param>
    /// <param name="catalog">Resolves symbols (instrument or venue) and assets.</param>
    /// <param name="onError">Receives each bad row; may be null.</param>
    /// <param name="strict">Throw at the first bad row instead of skipping it.</param>
    /// <exception cref="PositionBookException">Strict mode: the first bad row.</exception>
    public static PositionBook Load(string path, InstrumentCatalog catalog, Action<BookError>? onError = null, bool strict = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(catalog);
        var builder = new Builder(path, catalog, onError, strict);
        byte[] bytes = File.ReadAllBytes(path);
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            ReadJson(bytes, builder);
        }
        else
        {
            ReadCsv(Encoding.UTF8.GetString(bytes), builder);
        }

        if (builder.Balances.Count == 0 && builder.Positions.Count == 0 && builder.ErrorCount == 0)
        {
            builder.Fail(0, BookErrorKind.EmptyFile, "the file holds no balance and no position.");
        }

        return new PositionBook(path, builder.Balances, builder.Positions);
    }

    /// <summary>Writes a book as CSV (the format <see cref="Load"/> reads), with exact decimals.</summary>
    public static void WriteCsv(PositionBook book, InstrumentCatalog catalog, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(book);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write("# positions snapshot: ");
        writer.WriteLine(book.Source.Replace('\n', ' '));
        writer.WriteLine("# balance,account,asset,amount");
        writer.WriteLine("# position,account,symbol,side,quantity,entry_price,leverage,extra_margin");
        foreach (BookBalance b in book.Balances)
        {
            writer.Write("balance,");
            writer.Write(b.Account.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(catalog.Assets[b.Asset]);
            writer.Write(',');
            writer.WriteLine(FixedPoint.Format(b.Amount, Money.Decimals));
        }

        foreach (BookPosition p in book.Positions)
        {
            writer.Write("position,");
            writer.Write(p.Account.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.Write(catalog[p.Instrument].Symbol);
            writer.Write(p.Side > 0 ? ",long," : ",short,");
            writer.Write(FixedPoint.Format(p.Quantity, Quantity.Decimals));
            writer.Write(',');
            writer.Write(FixedPoint.Format(p.EntryPrice, Price.Decimals));
            writer.Write(',');
            writer.Write(p.Leverage.ToString(CultureInfo.InvariantCulture));
            writer.Write(',');
            writer.WriteLine(FixedPoint.Format(p.ExtraMargin, Money.Decimals));
        }
    }

    private static void ReadCsv(string text, Builder builder)
    {
        Span<Range> ranges = stackalloc Range[MaxCsvFields];
        int lineNumber = 0;
        foreach (ReadOnlySpan<char> raw in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            ReadOnlySpan<char> line = raw.Trim();
            if (lineNumber == 1 && line.Length > 0 && line[0] == '\uFEFF')
            {
                line = line[1..].Trim();
            }

            if (line.IsEmpty || line[0] == '#' || line.StartsWith("record,", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            int count = CsvFields.Split(line, ranges);
            if (count < 0)
            {
                builder.Fail(lineNumber, BookErrorKind.MalformedLine, $"more than {MaxCsvFields} comma-separated fields (balance and position rows have 4 to 8).");
                continue;
            }

            string[] f = new string[count];
            for (int i = 0; i < count; i++)
            {
                f[i] = line[ranges[i]].Trim().ToString();
            }

            string record = f[0].ToLowerInvariant();
            if (record == "balance")
            {
                if (f.Length != 4)
                {
                    builder.Fail(lineNumber, BookErrorKind.MalformedLine, $"a balance row has 4 fields (balance,account,asset,amount), got {f.Length}.");
                    continue;
                }

                builder.AddBalance(lineNumber, f[1], f[2], f[3]);
            }
            else if (record == "position")
            {
                if (f.Length is not (7 or 8))
                {
                    builder.Fail(lineNumber, BookErrorKind.MalformedLine,
                        $"a position row has 7 or 8 fields (position,account,symbol,side,quantity,entry_price,leverage[,extra_margin]), got {f.Length}.");
                    continue;
                }

                builder.AddPosition(lineNumber, f[1], f[2], f[3], f[4], f[5], f[6], f.Length == 8 ? f[7] : null);
            }
            else
            {
                builder.Fail(lineNumber, BookErrorKind.MalformedLine, $"unknown record type \"{Clip(f[0])}\" (expected balance or position).");
            }
        }
    }

    private static void ReadJson(byte[] bytes, Builder builder)
    {
        var lines = new LineCounter(bytes);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        try
        {
            if (!reader.Read())
            {
                return;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                builder.Fail(lines.LineOf(reader.TokenStartIndex), BookErrorKind.MalformedLine, "the file must hold one JSON object with \"accounts\" and \"positions\" arrays.");
                return;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string name = reader.GetString() ?? string.Empty;
                long nameLine = lines.LineOf(reader.TokenStartIndex);
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    builder.Fail(nameLine, BookErrorKind.MalformedLine, $"\"{Clip(name)}\" must be an array.");
                    continue;
                }

                bool accounts = name.Equals("accounts", StringComparison.OrdinalIgnoreCase);
                bool positions = name.Equals("positions", StringComparison.OrdinalIgnoreCase);
                if (!accounts && !positions)
                {
                    reader.Skip();
                    builder.Fail(nameLine, BookErrorKind.MalformedLine, $"unknown property \"{Clip(name)}\" (expected accounts or positions).");
                    continue;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    long line = lines.LineOf(reader.TokenStartIndex);
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        reader.Skip();
                        builder.Fail(line, BookErrorKind.MalformedLine, $"each entry of \"{name}\" must be an object.");
                        continue;
                    }

                    var fields = ReadObject(ref reader, lines, out var balances);
                    if (accounts)
                    {
                        AddJsonAccount(builder, line, fields, balances);
                    }
                    else
                    {
                        builder.AddPosition(
                            line,
                            Field(fields, "account"),
                            Field(fields, "symbol"),
                            Field(fields, "side"),
                            Field(fields, "quantity"),
                            Field(fields, "entryPrice"),
                            Field(fields, "leverage"),
                            fields.TryGetValue("extraMargin", out string? extra) ? extra : null);
                    }
                }
            }
        }
        catch (JsonException e)
        {
            builder.Fail((e.LineNumber ?? 0) + 1, BookErrorKind.MalformedLine, $"malformed JSON ({e.Message}); the rest of the file is skipped.");
        }
    }

    private static void AddJsonAccount(Builder builder, long line, Dictionary<string, string> fields, List<(string Asset, string Amount, long Line)> balances)
    {
        string account = Field(fields, "account");
        if (balances.Count == 0)
        {
            builder.Fail(line, BookErrorKind.MalformedLine, "an account entry needs a non-empty \"balances\" object, e.g. {\"USDT\": \"1000\"}.");
            return;
        }

        foreach ((string asset, string amount, long balanceLine) in balances)
        {
            builder.AddBalance(balanceLine, account, asset, amount);
        }
    }

    /// <summary>Reads one flat object; nested "balances" becomes (asset, amount, line) triples. Values keep their text.</summary>
    private static Dictionary<string, string> ReadObject(ref Utf8JsonReader reader, LineCounter lines, out List<(string Asset, string Amount, long Line)> balances)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        balances = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string name = reader.GetString() ?? string.Empty;
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject && name.Equals("balances", StringComparison.OrdinalIgnoreCase))
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    string asset = reader.GetString() ?? string.Empty;
                    long line = lines.LineOf(reader.TokenStartIndex);
                    reader.Read();
                    balances.Add((asset, ScalarText(ref reader), line));
                }

                continue;
            }

            fields[name] = ScalarText(ref reader);
        }

        return fields;
    }

    /// <summary>The exact text of a scalar token: a string's value, a number's digits; structures are skipped and read as "".</summary>
    private static string ScalarText(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString() ?? string.Empty;
            case JsonTokenType.Number:
                return Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan);
            case JsonTokenType.True:
                return "true";
            case JsonTokenType.False:
                return "false";
            case JsonTokenType.StartObject:
            case JsonTokenType.StartArray:
                reader.Skip();
                return string.Empty;
            default:
                return string.Empty;
        }
    }

    private static string Field(Dictionary<string, string> fields, string name) => fields.TryGetValue(name, out string? v) ? v : string.Empty;

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";

    /// <summary>Maps byte offsets to 1-based line numbers; offsets must be asked in non-decreasing order.</summary>
    private sealed class LineCounter(byte[] bytes)
    {
        private long _offset;
        private long _line = 1;

        public long LineOf(long offset)
        {
            if (offset < _offset)
            {
                _offset = 0;
                _line = 1;
            }

            long end = Math.Min(offset, bytes.Length);
            _line += bytes.AsSpan((int)_offset, (int)(end - _offset)).Count((byte)'\n');
            _offset = end;
            return _line;
        }
    }

    /// <summary>Validates rows and collects the book.</summary>
    private sealed class Builder(string file, InstrumentCatalog catalog, Action<BookError>? onError, bool strict)
    {
        private readonly HashSet<(long Account, int Instrument)> _seen = [];

        public List<BookBalance> Balances { get; } = [];

        public List<BookPosition> Positions { get; } = [];

        public int ErrorCount { get; private set; }

        public void Fail(long line, BookErrorKind kind, string message)
        {
            ErrorCount++;
            var error = new BookError(file, line, kind, message);
            onError?.Invoke(error);
            if (strict)
            {
                throw new PositionBookException(error);
            }
        }

        public void AddBalance(long line, string accountText, string assetText, string amountText)
        {
            if (!TryAccount(line, accountText, out long account))
            {
                return;
            }

            int asset = catalog.AssetIndex(assetText);
            if (asset < 0)
            {
                Fail(line, BookErrorKind.UnknownAsset, $"asset \"{Clip(assetText)}\" is not one of {string.Join(", ", catalog.Assets)}.");
                return;
            }

            if (!TryPositive<Money>(line, "amount", amountText, out long amount))
            {
                return;
            }

            Balances.Add(new BookBalance(account, asset, amount, line));
        }

        public void AddPosition(long line, string accountText, string symbol, string sideText, string quantityText, string entryText, string leverageText, string? extraText)
        {
            if (!TryAccount(line, accountText, out long account))
            {
                return;
            }

            if (!catalog.TryFind(symbol, out Instrument instrument))
            {
                Fail(line, BookErrorKind.UnknownSymbol, $"symbol \"{Clip(symbol)}\" is not an instrument or venue symbol of the catalog.");
                return;
            }

            int side = sideText.ToLowerInvariant() switch
            {
                "long" => 1,
                "short" => -1,
                _ => 0,
            };
            if (side == 0)
            {
                Fail(line, BookErrorKind.MalformedLine, $"side \"{Clip(sideText)}\" must be long or short.");
                return;
            }

            if (!TryPositive<Quantity>(line, "quantity", quantityText, out long quantity)
                || !TryPositive<Price>(line, "entry price", entryText, out long entry))
            {
                return;
            }

            if (quantity % instrument.LotSize.Raw != 0)
            {
                Fail(line, BookErrorKind.InvalidValue, $"quantity {quantityText} is not a multiple of {instrument.Symbol}'s lot size {instrument.LotSize}.");
                return;
            }

            if (entry % instrument.TickSize.Raw != 0)
            {
                Fail(line, BookErrorKind.InvalidValue, $"entry price {entryText} is not on {instrument.Symbol}'s tick grid {instrument.TickSize}.");
                return;
            }

            if (!int.TryParse(leverageText, NumberStyles.None, CultureInfo.InvariantCulture, out int leverage) || leverage < 1 || leverage > 255)
            {
                Fail(line, BookErrorKind.InvalidValue, $"leverage \"{Clip(leverageText)}\" must be a whole number from 1 to 255.");
                return;
            }

            long extra = 0;
            if (!string.IsNullOrEmpty(extraText))
            {
                ParseError pe = FixedPoint.TryParse(extraText.AsSpan(), Money.Decimals, out extra);
                if (pe != ParseError.None || extra < 0)
                {
                    Fail(line, BookErrorKind.InvalidValue, $"extra margin \"{Clip(extraText)}\" is not an exact non-negative amount ({(pe == ParseError.None ? ParseError.Negative : pe)}).");
                    return;
                }
            }

            if (!_seen.Add((account, instrument.Index)))
            {
                Fail(line, BookErrorKind.DuplicatePosition, $"account {account} already has an isolated position on {instrument.Symbol} (one per instrument).");
                return;
            }

            Positions.Add(new BookPosition(account, instrument.Index, side, quantity, entry, leverage, extra, line));
        }

        private bool TryAccount(long line, string text, out long account)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out account) || account <= 0)
            {
                Fail(line, BookErrorKind.InvalidValue, $"account \"{Clip(text)}\" must be a positive whole number.");
                return false;
            }

            return true;
        }

        private bool TryPositive<T>(long line, string what, string text, out long raw)
            where T : struct, IFixedPoint<T>
        {
            ParseError e = FixedPoint.TryParse(text.AsSpan(), T.Decimals, out raw);
            if (e == ParseError.None && raw < 0)
            {
                e = ParseError.Negative;
            }
            else if (e == ParseError.None && raw == 0)
            {
                e = ParseError.Zero;
            }

            if (e != ParseError.None)
            {
                Fail(line, BookErrorKind.InvalidValue, $"{what} \"{Clip(text)}\" is not an exact positive decimal with at most {T.Decimals} places ({e}).");
                return false;
            }

            return true;
        }
    }
}
