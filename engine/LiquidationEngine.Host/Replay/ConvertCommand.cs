using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using LiquidationEngine.Feeds;
using LiquidationEngine.Instruments;

namespace LiquidationEngine.Host.Replay;

/// <summary>Everything <c>liqengine convert</c> accepts.</summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "Called by Program.cs's command line and by the tests.")]
public sealed record ConvertOptions
{
    /// <summary>Feed files to convert (any format, plain or gzip); several are merged by timestamp into one output.</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>The binary tick file to write (replaced if it exists; written to a temporary name first).</summary>
    public string Output { get; init; } = string.Empty;

    /// <summary>Input format name (see <see cref="FeedFormats"/>), <c>auto</c> to detect per file.</summary>
    public string Format { get; init; } = "auto";

    /// <summary>Instruments config whose venue symbols map the input's symbols. Null: the default config if it exists,
    /// else symbols pass through unchanged.</summary>
    public string? InstrumentsPath { get; init; }

    /// <summary>Stop at the first bad line (no output file is left behind) with exit code 2.</summary>
    public bool Strict { get; init; }

    /// <summary>Bad lines listed (all are counted).</summary>
    public int MaxErrorsShown { get; init; } = 20;
}

/// <summary><c>liqengine convert</c>: any supported feed to the engine's binary tick format, through the feeds'
/// <see cref="FeedConverter"/>, with venue symbols mapped by the instruments config.</summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "Called by Program.cs's command line and by the tests.")]
public static class ConvertCommand
{
    /// <summary>Converts; reports the counts to <paramref name="output"/>, and bad lines and failures to <paramref name="error"/>.</summary>
    /// <param name="options">The options.</param>
    /// <param name="output">The result line; null: stdout.</param>
    /// <param name="error">Bad-input warnings and why it stopped; null: <paramref name="output"/> when that was given, else stderr.</param>
    /// <returns>0 done (bad lines skipped and reported), 1 bad options, 2 stopped on a bad line in strict mode or an I/O error.</returns>
    public static int Run(ConvertOptions options, TextWriter? output = null, TextWriter? error = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        error ??= output ?? Console.Error;
        output ??= Console.Out;
        if (options.Inputs.Count == 0 || string.IsNullOrEmpty(options.Output))
        {
            error.WriteLine("convert: give at least one input file and --output.");
            return ReplayCommand.ExitUsage;
        }

        if (!FeedFormats.TryParse(options.Format, out FeedFormat format))
        {
            error.WriteLine($"convert: unknown --format '{options.Format}'; expected one of {string.Join(", ", FeedFormats.Names)}.");
            return ReplayCommand.ExitUsage;
        }

        foreach (string input in options.Inputs)
        {
            if (!File.Exists(input))
            {
                error.WriteLine($"convert: input file '{input}' does not exist.");
                return ReplayCommand.ExitUsage;
            }
        }

        SymbolMap symbols = SymbolMap.PassThrough;
        string? config = options.InstrumentsPath ?? (File.Exists(ReplayCommand.DefaultInstrumentsPath()) ? ReplayCommand.DefaultInstrumentsPath() : null);
        if (config is not null)
        {
            try
            {
                symbols = FeedReplayInput.SymbolMapFor(ReplayCommand.LoadCatalog(config));
            }
            catch (ReplayUsageException e)
            {
                error.WriteLine($"convert: {e.Message}");
                return ReplayCommand.ExitUsage;
            }
        }

        var errors = new FeedErrorCollector();
        var readerOptions = new FeedReaderOptions { Symbols = symbols, Errors = errors, Strict = options.Strict };
        FeedConversionResult result;
        try
        {
            result = options.Inputs.Count == 1
                ? FeedConverter.Convert(options.Inputs[0], options.Output, format, readerOptions)
                : ConvertMerged(options, format, readerOptions);
        }
        catch (FeedException e)
        {
            error.WriteLine($"convert: stopped (strict): {e.Message}");
            return ReplayCommand.ExitStopped;
        }
        catch (IOException e)
        {
            error.WriteLine($"convert: {e.Message}");
            return ReplayCommand.ExitStopped;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"convert: wrote {options.Output}: {result.MarkRecords:N0} marks, {result.SettlementRecords:N0} funding settlements, {result.BytesWritten:N0} bytes; {errors.Total:N0} bad lines skipped"));
        foreach (FeedError e in errors.Errors.Take(options.MaxErrorsShown))
        {
            error.WriteLine("  " + e);
        }

        return ReplayCommand.ExitOk;
    }

    private static FeedConversionResult ConvertMerged(ConvertOptions options, FeedFormat format, FeedReaderOptions readerOptions)
    {
        string temporary = options.Output + ".tmp";
        try
        {
            FeedConversionResult result;
            var readers = new List<IFeedReader>();
            try
            {
                foreach (string input in options.Inputs)
                {
                    readers.Add(FeedReaderFactory.Open(input, format, readerOptions));
                }
            }
            catch
            {
                readers.ForEach(r => r.Dispose());
                throw;
            }

            using (var merged = new FeedMerger(readers))
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                result = FeedConverter.Convert(merged, stream, readerOptions.Symbols.InstrumentSymbols);
            }

            File.Move(temporary, options.Output, overwrite: true);
            return result;
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
