using LiquidationEngine.Csv;

namespace LiquidationEngine.Feeds;

/// <summary>Opens the right reader for a file, from an explicit <see cref="FeedFormat"/> or by detecting it.</summary>
public static class FeedReaderFactory
{
    /// <summary>How much of the first line detection looks at.</summary>
    private const int DetectionWindow = 64 * 1024;

    /// <summary>Opens <paramref name="path"/> (plain or gzip) with the reader for <paramref name="format"/>.</summary>
    /// <remarks>When the format cannot be detected (or the file is empty) the returned reader yields nothing and reports
    /// the error on its first <see cref="FeedReader.TryRead"/> (throwing it in strict mode).</remarks>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static FeedReader Open(string path, FeedFormat format = FeedFormat.Auto, FeedReaderOptions? options = null)
    {
        FileStream stream = File.OpenRead(path);
        try
        {
            return Open(stream, path, format, options);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="path"/> with the reader named <paramref name="formatName"/>
    /// (<c>auto</c>, <c>binance-stream</c>, <c>tardis</c>, <c>binance-klines</c>, <c>generic</c>, <c>binary</c>).</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="FeedFormats.Names"/>.</exception>
    public static FeedReader Open(string path, string formatName, FeedReaderOptions? options = null)
        => FeedFormats.TryParse(formatName, out FeedFormat format)
            ? Open(path, format, options)
            : throw new ArgumentException(
                $"Unknown feed format '{formatName}'; expected one of {string.Join(", ", FeedFormats.Names)}.", nameof(formatName));

    /// <summary>Opens several files (each in <paramref name="format"/>, or detected) and merges them in timestamp order;
    /// ties go to the earlier path. All files share <paramref name="options"/> (and so its error sink).</summary>
    public static FeedMerger OpenMerged(IEnumerable<string> paths, FeedFormat format = FeedFormat.Auto, FeedReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        options ??= new FeedReaderOptions();
        var readers = new List<IFeedReader>();
        try
        {
            foreach (string path in paths)
            {
                readers.Add(Open(path, format, options));
            }

            return new FeedMerger(readers);
        }
        catch
        {
            foreach (IFeedReader reader in readers)
            {
                reader.Dispose();
            }

            throw;
        }
    }

    /// <summary>Reads <paramref name="stream"/> (plain or gzip) with the reader for <paramref name="format"/>.</summary>
    /// <param name="stream">The input.</param>
    /// <param name="file">Name used in records and errors (and, for klines, the default symbol).</param>
    /// <param name="format">The format, or <see cref="FeedFormat.Auto"/> to detect it from the first line.</param>
    /// <param name="options">Symbol map, error sink, strictness; defaults when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when the reader is disposed.</param>
    public static FeedReader Open(Stream stream, string file, FeedFormat format = FeedFormat.Auto, FeedReaderOptions? options = null, bool leaveOpen = false)
    {
        var input = new FeedInput(stream, file, leaveOpen);
        try
        {
            if (format == FeedFormat.Auto)
            {
                format = input.PeekBytes(4).Length == 0 ? FeedFormat.Auto : Detect(input.PeekFirstLine(DetectionWindow));
            }

            return format switch
            {
                FeedFormat.BinanceStream => new BinanceStreamReader(input, options),
                FeedFormat.Tardis => new TardisDerivativeTickerReader(input, options),
                FeedFormat.BinanceKlines => new BinanceMarkPriceKlinesReader(input, options),
                FeedFormat.Generic => new GenericCsvReader(input, options),
                FeedFormat.Binary => new BinaryTickReader(input, options),
                _ => new UnrecognisedFeedReader(input, options),
            };
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    /// <summary>The format of a file whose first line (or first bytes) is <paramref name="firstLine"/>;
    /// <see cref="FeedFormat.Auto"/> when none matches.</summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item><c>LQTK</c> magic → binary.</item>
    /// <item>A JSON object, optionally after digits and a space → binance-stream.</item>
    /// <item>A header starting <c>exchange,symbol,timestamp,local_timestamp,funding_timestamp</c> → tardis.</item>
    /// <item>A header starting <c>open_time,</c>, or a row of at least 5 fields whose first is all digits and the next
    /// four decimals → binance-klines.</item>
    /// <item>A header with <c>timestamp</c>, <c>symbol</c> and <c>mark_price</c> columns → generic.</item>
    /// </list>
    /// </remarks>
    public static FeedFormat Detect(ReadOnlySpan<byte> firstLine)
    {
        if (BinaryTickFormat.HasMagic(firstLine))
        {
            return FeedFormat.Binary;
        }

        ReadOnlySpan<byte> line = firstLine.Trim(" \t"u8);
        int digits = line.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (digits >= 0 && (line[digits..].StartsWith("{"u8) || (digits > 0 && line[digits..].TrimStart(" "u8).StartsWith("{"u8))))
        {
            return FeedFormat.BinanceStream;
        }

        if (line.StartsWith(System.Text.Encoding.ASCII.GetBytes(TardisDerivativeTickerReader.HeaderPrefix)))
        {
            return FeedFormat.Tardis;
        }

        if (line.StartsWith("open_time,"u8) || LooksLikeKlinesRow(line))
        {
            return FeedFormat.BinanceKlines;
        }

        CsvHeader header = CsvHeader.Parse(line);
        return header.HasAll("timestamp", "symbol", "mark_price") ? FeedFormat.Generic : FeedFormat.Auto;
    }

    private static bool LooksLikeKlinesRow(ReadOnlySpan<byte> line)
    {
        Span<Range> fields = stackalloc Range[16];
        int count = CsvFields.Split(line, fields);
        if (count < 5 || !FieldParsing.TryParseDigits(line[fields[0]], out _))
        {
            return false;
        }

        for (int i = 1; i < 5; i++)
        {
            if (Numerics.FixedPoint.TryParse(line[fields[i]], 8, out _) != Numerics.ParseError.None)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Stands in for a file whose format was not recognised (or that is empty): reports it once, yields nothing.</summary>
    private sealed class UnrecognisedFeedReader : FeedReader
    {
        private bool _reported;

        public UnrecognisedFeedReader(FeedInput input, FeedReaderOptions? options)
            : base(input, options)
        {
        }

        private protected override bool ReadNext()
        {
            if (!_reported)
            {
                _reported = true;
                if (Input.PeekBytes(1).Length > 0 || Input.FailureKind is not null)
                {
                    CountDataLine();
                    if (Input.FailureKind is null)
                    {
                        Reject(
                            FeedErrorKind.MalformedLine,
                            1,
                            "unrecognised format: expected one of " + string.Join(", ", FeedFormats.Names.Skip(1))
                            + " (give the format explicitly to see per-line errors)");
                    }
                }
            }

            return false;
        }
    }
}
