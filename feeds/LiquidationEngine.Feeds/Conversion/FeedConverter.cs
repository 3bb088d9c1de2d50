namespace LiquidationEngine.Feeds;

/// <summary>Converts any supported feed into the engine's binary tick format (the library side of <c>liqengine convert</c>).</summary>
public static class FeedConverter
{
    /// <summary>Reads <paramref name="inputPath"/> and writes it as a binary tick file at <paramref name="outputPath"/>.</summary>
    /// <remarks>
    /// <para>Writes to <c>outputPath + ".tmp"</c> and renames it when done, so a failed conversion never leaves a
    /// partial file under the final name. Bad lines are reported to <see cref="FeedReaderOptions.Errors"/> and skipped
    /// (or, strict, abort the conversion with <see cref="FeedException"/>).</para>
    /// <para>With a configured <see cref="SymbolMap"/>, its instrument symbols go in the header's symbol table.</para>
    /// </remarks>
    /// <param name="inputPath">The feed file (any format, plain or gzip).</param>
    /// <param name="outputPath">Where to write the binary file (replaced if it exists).</param>
    /// <param name="format">The input format, or <see cref="FeedFormat.Auto"/> to detect it.</param>
    /// <param name="options">Symbol map, error sink, strictness; defaults when null.</param>
    /// <exception cref="FeedException">Strict mode: the input has a bad line.</exception>
    public static FeedConversionResult Convert(string inputPath, string outputPath, FeedFormat format = FeedFormat.Auto, FeedReaderOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(inputPath);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        options ??= new FeedReaderOptions();
        string temporary = outputPath + ".tmp";
        try
        {
            FeedConversionResult result;
            using (FeedReader reader = FeedReaderFactory.Open(inputPath, format, options))
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                result = Convert(reader, output, options.Symbols.InstrumentSymbols);
            }

            File.Move(temporary, outputPath, overwrite: true);
            return result;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Copies every record of <paramref name="reader"/> into a binary tick file written to <paramref name="output"/>
    /// (left open), then writes the end marker.</summary>
    /// <param name="reader">Any reader, or a <see cref="FeedMerger"/>.</param>
    /// <param name="output">The destination.</param>
    /// <param name="headerSymbols">Symbols for the header's table; others are added as they are met.</param>
    public static FeedConversionResult Convert(IFeedReader reader, Stream output, IEnumerable<string>? headerSymbols = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        using var writer = new BinaryTickWriter(output, headerSymbols, leaveOpen: true);
        while (reader.TryRead(out FeedRecord record))
        {
            writer.Write(record);
        }

        writer.Complete();
        FeedReaderStatistics statistics = reader.Statistics;
        return new FeedConversionResult(
            statistics.MarkRecords, statistics.SettlementRecords, statistics.SkippedLines, statistics.Errors, writer.BytesWritten);
    }
}
