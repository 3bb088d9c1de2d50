using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using Spectre.Console;
using LiquidationEngine.Feeds;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Persistence;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Host.Replay;

/// <summary>What a replay run produced.</summary>
/// <param name="ExitCode">0 done; 1 bad options or config; 2 stopped early (strict mode on bad input, engine failure);
/// 3 nothing replayed (no accepted position, or no mark for the book's instruments); 130 cancelled.</param>
/// <param name="Result">The replay's result, or null when it never started.</param>
/// <param name="OutputDirectory">Where the files went.</param>
/// <param name="ReportPath">The HTML report, or null.</param>
/// <param name="Error">Why it did not run or stopped, or null.</param>
public sealed record ReplayOutcome(int ExitCode, ReplayResult? Result, string? OutputDirectory, string? ReportPath, string? Error)
{
    /// <summary>The liquidations CSV.</summary>
    public string? LiquidationsCsv => OutputDirectory is null ? null : Path.Combine(OutputDirectory, "liquidations.csv");

    /// <summary>The liquidations JSON Lines file.</summary>
    public string? LiquidationsJsonl => OutputDirectory is null ? null : Path.Combine(OutputDirectory, "liquidations.jsonl");

    /// <summary>The summary text file.</summary>
    public string? SummaryPath => OutputDirectory is null ? null : Path.Combine(OutputDirectory, "summary.txt");
}

/// <summary>
/// <c>liqengine replay</c>: replays recorded mark prices (or the built-in scenario) through the engine's pipeline against a
/// positions snapshot or a generated book, plays the matching engine for its liquidation orders, and writes the
/// liquidations file, a summary and an HTML report (docs/REPLAY.md).
/// </summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "Called by Program.cs's command line and by the tests.")]
public static class ReplayCommand
{
    /// <summary>Done.</summary>
    public const int ExitOk = 0;

    /// <summary>Bad options or configuration; nothing ran.</summary>
    public const int ExitUsage = 1;

    /// <summary>Stopped early: strict mode met bad input, or the engine failed.</summary>
    public const int ExitStopped = 2;

    /// <summary>Ran to the end but replayed nothing: no position of the book was accepted, or no mark ticked for the
    /// instruments of its positions. The outputs are written.</summary>
    public const int ExitNothingReplayed = 3;

    /// <summary>Cancelled (Ctrl+C).</summary>
    public const int ExitCancelled = 130;

    /// <summary>Runs with console output: a progress bar on a terminal, plain lines otherwise. Ctrl+C stops cleanly.</summary>
    /// <returns>The process exit code.</returns>
    public static int Run(ReplayOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cts.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            // The bar draws on stderr and the summary table on stdout: both must be a terminal for either to be drawn.
            bool interactive = !options.Plain && !Console.IsOutputRedirected && !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;
            return Execute(options, Console.Out, Console.Error, interactive, cts.Token).ExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>Runs and reports to the given writers (the tests' entry point).</summary>
    /// <param name="options">The options.</param>
    /// <param name="output">Results: the summary (and, for <c>--journal</c>, the replayed state).</param>
    /// <param name="error">Everything else: progress lines, the bad-input warnings, why the run could not start or
    /// stopped. Null: <paramref name="output"/>, so one writer gets both.</param>
    /// <param name="interactive">Draw a Spectre.Console progress bar and summary table instead of plain lines.</param>
    /// <param name="cancellationToken">Stops the replay after the current tick; the outputs are still written.</param>
    public static ReplayOutcome Execute(ReplayOptions options, TextWriter output, TextWriter? error = null, bool interactive = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        error ??= output;
        try
        {
            return ExecuteCore(options, output, error, interactive, cancellationToken);
        }
        catch (ReplayUsageException e)
        {
            error.WriteLine($"replay: {e.Message}");
            return new ReplayOutcome(ExitUsage, null, null, null, e.Message);
        }
        catch (PositionBookException e)
        {
            error.WriteLine($"replay: stopped (strict): {e.Message}");
            return new ReplayOutcome(ExitStopped, null, null, null, e.Message);
        }
    }

    private static ReplayOutcome ExecuteCore(ReplayOptions options, TextWriter output, TextWriter error, bool interactive, CancellationToken cancellationToken)
    {
        InstrumentCatalog catalog = LoadCatalog(options.InstrumentsPath);
        if (options.JournalPath is not null)
        {
            return ReplayJournal(options.JournalPath, catalog, output, error);
        }

        SimulatedExecution execution = ParseExecution(options);
        if (!FeedFormats.TryParse(options.Format, out FeedFormat format))
        {
            throw new ReplayUsageException($"unknown --format '{options.Format}'; expected one of {string.Join(", ", FeedFormats.Names)}.");
        }

        if (FixedPoint.TryParse(options.InsuranceFund.AsSpan(), Money.Decimals, out long insuranceFund) != ParseError.None || insuranceFund < 0)
        {
            throw new ReplayUsageException($"--insurance-fund '{options.InsuranceFund}' is not an exact non-negative amount.");
        }

        if (options.MatchIntervalMs < 1 || options.Speed < 0 || options.StepSeconds < 1 || options.GeneratePositions < 0)
        {
            throw new ReplayUsageException("--match-interval-ms and --step-seconds must be at least 1; --speed and --generate must not be negative.");
        }

        foreach (string path in options.Inputs)
        {
            if (!File.Exists(path))
            {
                throw new ReplayUsageException($"input file '{path}' does not exist.");
            }
        }

        if (options.Inputs.Count > 0 && options.Symbol is { } symbol && !catalog.TryFind(symbol, out _))
        {
            throw new ReplayUsageException($"--symbol: '{symbol}' is not an instrument or venue symbol of the config.");
        }

        string scenario = options.Inputs.Count == 0 ? BuiltInScenario.Name : ScenarioName(options.Inputs[0]);
        string directory = Path.GetFullPath(options.OutputDirectory ?? Path.Combine("out", "replay-" + scenario));
        Directory.CreateDirectory(directory);

        // Every bad line goes to errors.txt as it is found, however many there are.
        using var errorLog = new ReplayErrorLog(Path.Combine(directory, "errors.txt"), options.MaxErrorsShown);
        var bookErrors = new List<BookError>();
        IReplayInput input;
        PositionBook book;
        string inputDescription;
        if (options.Inputs.Count == 0)
        {
            int count = options.GeneratePositions ?? BuiltInScenario.DefaultPositions;
            BuiltInScenario builtIn = Create(() => BuiltInScenario.Create(catalog, options.PositionsPath is null ? count : 0, options.Seed, options.StepSeconds));
            inputDescription = builtIn.Describe();
            input = builtIn.NewInput();
            book = options.PositionsPath is null ? builtIn.Book : LoadBook(options, catalog, bookErrors, errorLog);
        }
        else
        {
            var readerOptions = new FeedReaderOptions
            {
                Symbols = FeedReplayInput.SymbolMapFor(catalog),
                Errors = errorLog,
                Strict = options.Strict,
                KlinesSymbol = options.Symbol,
            };
            FeedReplayInput feed = FeedReplayInput.Open(options.Inputs, format, readerOptions, catalog);
            input = feed;
            inputDescription = $"{options.Inputs.Count} file(s): {string.Join(", ", options.Inputs.Select(Path.GetFileName))} (format {options.Format})";
            try
            {
                book = options.PositionsPath is not null ? LoadBook(options, catalog, bookErrors, errorLog) : GenerateFor(feed, options, catalog);
            }
            catch
            {
                feed.Dispose();
                throw;
            }
        }

        using (input)
        {
            if (options.WriteBookPath is not null)
            {
                using var writer = new StreamWriter(options.WriteBookPath, false, new UTF8Encoding(false)) { NewLine = "\n" };
                PositionBookFile.WriteCsv(book, catalog, writer);
            }

            ReplayResult result;
            using (LiquidationLog log = LiquidationLog.Create(catalog, directory))
            {
                var settings = new ReplaySettings
                {
                    Execution = execution,
                    Speed = options.Speed,
                    MatchIntervalUs = options.MatchIntervalMs * 1000L,
                    InsuranceFund = insuranceFund,
                    WaitStrategy = options.WaitStrategy,
                    Strict = options.Strict,
                    Log = log,
                    Journal = options.JournalOutPath is { } journalOut ? engine => RecordingJournal(journalOut, engine, catalog) : null,
                };
                result = interactive
                    ? RunWithProgressBar(catalog, settings, book, input, cancellationToken)
                    : RunWithPlainProgress(catalog, settings, book, input, error, cancellationToken);
            }

            result.InputDescription = inputDescription;
            result.BookErrors = bookErrors;
            result.InputWarnings = (input as FeedReplayInput)?.Statistics.Warnings ?? 0;
            foreach (BookError reject in result.BookRejects)
            {
                errorLog.Report(reject);
            }

            errorLog.Flush();
            result.InputErrorCounts = errorLog.Counts();
            result.InputErrorPlaces = errorLog.FirstPlaces();
            result.InputErrorSamples = errorLog.FirstErrors();

            string? report = null;
            if (!options.NoReport)
            {
                report = Path.Combine(directory, "report.html");
                HtmlReport.Write(report, $"Replay: {scenario}", result, catalog);
            }

            string summary = result.ToText(catalog) + Outputs(directory, report);
            File.WriteAllText(Path.Combine(directory, "summary.txt"), summary, new UTF8Encoding(false));
            if (interactive)
            {
                RenderSummary(result, catalog, directory, report);
            }
            else
            {
                output.Write(summary);
            }

            long totalErrors = result.InputErrorTotal;
            if (totalErrors > 0)
            {
                error.WriteLine($"bad input: {totalErrors.ToString("N0", CultureInfo.InvariantCulture)} line(s) skipped; "
                    + $"the first {Math.Max(0, options.MaxErrorsShown)} of each kind follow, every one is in {Path.Combine(directory, "errors.txt")}");
                foreach (string s in result.InputErrorSamples)
                {
                    error.WriteLine("  " + s);
                }
            }

            int exit = result.Failure is not null ? ExitStopped : result.Cancelled ? ExitCancelled : ExitOk;
            string? problem = result.Failure;
            if (result.Failure is not null)
            {
                error.WriteLine($"replay: stopped: {result.Failure}");
            }
            else if (!result.Cancelled && NothingReplayed(book, result, catalog) is { } nothing)
            {
                exit = ExitNothingReplayed;
                problem = nothing;
                error.WriteLine($"replay: nothing replayed: {nothing}");
            }

            return new ReplayOutcome(exit, result, directory, report, problem);
        }
    }

    /// <summary>Why the run replayed nothing (no accepted position, or no mark for the positions' instruments), or null.</summary>
    private static string? NothingReplayed(PositionBook book, ReplayResult result, InstrumentCatalog catalog)
    {
        int rejectedRows = result.BookErrors.Count + result.BookRejects.Count;
        if (book.Positions.Count == 0)
        {
            return rejectedRows > 0
                ? $"every position row of {book.Source} was rejected ({rejectedRows.ToString("N0", CultureInfo.InvariantCulture)} rows; see errors.txt)."
                : $"the book ({book.Source}) holds no position.";
        }

        // Engine rejections echo the row's line (PositionBook remarks), so they name the positions that never opened.
        var rejectedLines = result.BookRejects.Select(e => e.Line).ToHashSet();
        var accepted = book.Positions.Where(p => !rejectedLines.Contains(p.Line)).ToList();
        if (accepted.Count == 0)
        {
            return $"the engine rejected every position of {book.Source} ({book.Positions.Count.ToString("N0", CultureInfo.InvariantCulture)}; see errors.txt).";
        }

        var ticked = result.Series.Where(s => s.Count > 0).Select(s => s.Instrument).ToHashSet();
        var bookInstruments = accepted.Select(p => p.Instrument).Distinct().ToList();
        if (bookInstruments.Any(ticked.Contains))
        {
            return null;
        }

        string held = string.Join(", ", bookInstruments.Take(5).Select(i => catalog[i].Symbol)) + (bookInstruments.Count > 5 ? ", ..." : string.Empty);
        string seen = ticked.Count == 0 ? "no instrument" : string.Join(", ", ticked.Take(5).Select(i => catalog[i].Symbol)) + (ticked.Count > 5 ? ", ..." : string.Empty);
        return $"0 marks for the book's instruments ({held}); the input ticked {seen}. Check the input's symbols (klines files: --symbol).";
    }

    /// <summary><c>--journal</c>: the daemon's deterministic journal replay (<see cref="JournalReplay"/>).</summary>
    private static ReplayOutcome ReplayJournal(string path, InstrumentCatalog catalog, TextWriter output, TextWriter error)
    {
        if (!Directory.Exists(path))
        {
            throw new ReplayUsageException($"journal directory '{path}' does not exist.");
        }

        try
        {
            JournalReplay.Run(path, catalog, output);
            return new ReplayOutcome(ExitOk, null, null, null, null);
        }
        catch (Exception e) when (e is InvalidDataException or JournalDamageException)
        {
            error.WriteLine($"replay: journal: {e.Message}");
            return new ReplayOutcome(ExitStopped, null, null, null, e.Message);
        }
    }

    /// <summary>Loads the instruments config (default: beside the executable, else ./config).</summary>
    internal static InstrumentCatalog LoadCatalog(string? path)
    {
        path ??= DefaultInstrumentsPath();
        if (!File.Exists(path))
        {
            throw new ReplayUsageException($"instruments config '{path}' does not exist (give --instruments).");
        }

        try
        {
            return InstrumentCatalog.Load(path);
        }
        catch (InstrumentConfigException e)
        {
            throw new ReplayUsageException($"instruments config: {e.Message}");
        }
    }

    /// <summary><c>config/instruments.json</c> beside the executable if present, else in the current directory.</summary>
    internal static string DefaultInstrumentsPath()
    {
        string beside = Path.Combine(AppContext.BaseDirectory, "config", "instruments.json");
        return File.Exists(beside) ? beside : Path.Combine("config", "instruments.json");
    }

    private static SimulatedExecution ParseExecution(ReplayOptions options)
    {
        FillMode mode = options.Fill.ToLowerInvariant() switch
        {
            "bankruptcy" or "bankruptcy-price" => FillMode.Bankruptcy,
            "next-mark" => FillMode.NextMark,
            "slippage" => FillMode.Slippage,
            "no-fill" or "none" => FillMode.NoFill,
            _ => throw new ReplayUsageException($"unknown --fill '{options.Fill}'; expected bankruptcy, next-mark, slippage or no-fill."),
        };
        if (options.SlippageBps is < 0 or > 10_000)
        {
            throw new ReplayUsageException("--slippage-bps must be from 0 to 10000.");
        }

        return new SimulatedExecution(mode, mode == FillMode.Slippage ? options.SlippageBps : 0, options.FillBeyondLimit);
    }

    private static PositionBook LoadBook(ReplayOptions options, InstrumentCatalog catalog, List<BookError> errors, ReplayErrorLog log)
    {
        string path = options.PositionsPath!;
        if (!File.Exists(path))
        {
            throw new ReplayUsageException($"positions file '{path}' does not exist.");
        }

        return PositionBookFile.Load(
            path,
            catalog,
            e =>
            {
                errors.Add(e);
                log.Report(e);
            },
            options.Strict);
    }

    private static PositionBook GenerateFor(FeedReplayInput feed, ReplayOptions options, InstrumentCatalog catalog)
    {
        // Learn which instruments tick first (and their first marks) from the first ten minutes of feed time.
        feed.ReadAhead(windowUs: 600_000_000, maxRecords: 200_000);
        List<int> instruments;
        if (options.Symbols.Count > 0)
        {
            instruments = [];
            foreach (string symbol in options.Symbols)
            {
                if (!catalog.TryFind(symbol, out Instrument inst))
                {
                    throw new ReplayUsageException($"--symbols: '{symbol}' is not an instrument or venue symbol of the config.");
                }

                instruments.Add(inst.Index);
            }
        }
        else
        {
            instruments = [.. feed.InstrumentsInOrder];
        }

        bool firstMark = options.Anchor.ToLowerInvariant() switch
        {
            "first-mark" => true,
            "reference" => false,
            _ => throw new ReplayUsageException($"unknown --anchor '{options.Anchor}'; expected first-mark or reference."),
        };
        var anchors = new Dictionary<int, long>();
        foreach (int i in instruments)
        {
            long anchor = firstMark && feed.FirstMarks.TryGetValue(i, out long m) ? m : catalog[i].ReferencePrice.Raw;
            if (anchor <= 0)
            {
                throw new ReplayUsageException($"{catalog[i].Symbol} has no mark in the input's first ten minutes and no referencePrice to anchor generated entries.");
            }

            anchors[i] = anchor;
        }

        if (instruments.Count == 0)
        {
            return new PositionBook("generated: no instrument ticked in the input", [], []);
        }

        return Create(() => SyntheticBookGenerator.Generate(catalog, new SyntheticBookOptions
        {
            Positions = options.GeneratePositions ?? 10_000,
            Seed = options.Seed,
            Instruments = instruments,
            AnchorPrices = anchors,
            EntrySpreadBps = options.EntrySpreadBps,
        }));
    }

    private static T Create<T>(Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentException e)
        {
            throw new ReplayUsageException(e.Message);
        }
    }

    private static ReplayResult RunWithPlainProgress(InstrumentCatalog catalog, ReplaySettings settings, PositionBook book, IReplayInput input, TextWriter progress, CancellationToken ct)
    {
        long nextLine = 0;
        settings = settings with
        {
            Progress = p =>
            {
                long now = Environment.TickCount64;
                if (now < nextLine && p.Phase != "done")
                {
                    return;
                }

                nextLine = now + 2000;
                string of = p.TotalTicks is { } total ? $" / {total.ToString("N0", CultureInfo.InvariantCulture)}" : string.Empty;
                string time = p.FeedTimeUs != 0 ? $", feed time {LiquidationLog.FormatTime(p.FeedTimeUs)}" : string.Empty;
                progress.WriteLine($"replay: {p.Phase}: {p.Ticks.ToString("N0", CultureInfo.InvariantCulture)}{of} ticks, "
                    + $"{p.Orders.ToString("N0", CultureInfo.InvariantCulture)} liquidation orders{time}");
            },
        };
        return new ReplayRunner(catalog, settings).Run(book, input, ct);
    }

    private static ReplayResult RunWithProgressBar(InstrumentCatalog catalog, ReplaySettings settings, PositionBook book, IReplayInput input, CancellationToken ct)
    {
        ReplayResult? result = null;

        // Progress is not a result: the bar goes to stderr, so `liqengine replay > summary.txt` keeps a clean file.
        IAnsiConsole stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        stderr.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                ProgressTask task = ctx.AddTask("replay", maxValue: input.TotalTicks ?? 1);
                task.IsIndeterminate = input.TotalTicks is null;
                ReplaySettings withProgress = settings with
                {
                    Progress = p =>
                    {
                        task.Description = Markup.Escape($"{p.Phase} · {p.Ticks.ToString("N0", CultureInfo.InvariantCulture)} ticks · "
                            + $"{p.Orders.ToString("N0", CultureInfo.InvariantCulture)} liquidations");
                        if (p.TotalTicks is { } total)
                        {
                            task.Value = Math.Min(p.Ticks, total);
                        }

                        if (p.Phase == "done")
                        {
                            task.IsIndeterminate = false;
                            task.Value = task.MaxValue;
                            task.StopTask();
                        }
                    },
                };
                result = new ReplayRunner(catalog, withProgress).Run(book, input, ct);
            });
        return result!;
    }

    private static void RenderSummary(ReplayResult result, InstrumentCatalog catalog, string directory, string? report)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn().NoWrap().PadRight(2));
        grid.AddColumn();
        foreach ((string label, string text) in result.DeterministicLines(catalog))
        {
            grid.AddRow(new Text(label, new Style(label == "STOPPED" ? Color.Red : Color.Grey)), new Text(text));
        }

        foreach ((string label, string text) in result.TimingLines())
        {
            grid.AddRow(new Text(label, new Style(Color.Grey)), new Text(text, new Style(Color.Grey)));
        }

        grid.AddRow(new Text("outputs", new Style(Color.Grey)), new Text(directory));
        if (report is not null)
        {
            grid.AddRow(new Text("report", new Style(Color.Grey)), new Text(report, new Style(Color.Aqua)));
        }

        AnsiConsole.Write(new Panel(grid).Header("Replay summary").Border(BoxBorder.Rounded));
    }

    private static string Outputs(string directory, string? report)
        => $"  {"outputs",-13}{directory} (liquidations.csv, liquidations.jsonl, summary.txt, errors.txt)\n"
            + (report is null ? string.Empty : $"  {"report",-13}{report}\n");

    private static string ScenarioName(string path)
    {
        string name = Path.GetFileName(path);
        int dot = name.IndexOf('.', StringComparison.Ordinal);
        return dot > 0 ? name[..dot] : name;
    }

    /// <summary>A daemon journal (no fsync) in <paramref name="directory"/> that records a replay's inputs, so
    /// <c>replay --journal</c> replays them.</summary>
    private static JournalWriter RecordingJournal(string directory, EngineOptions engine, InstrumentCatalog catalog)
        => new(
            directory,
            new JournalOptions { FsyncPolicy = FsyncPolicy.None },
            EngineRecovery.SegmentHeader(catalog, engine),
            nextSequence: 0);
}

/// <summary>Bad options or configuration: reported in one line, exit code 1.</summary>
internal sealed class ReplayUsageException : Exception
{
    public ReplayUsageException(string message)
        : base(message)
    {
    }

    public ReplayUsageException()
    {
    }

    public ReplayUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
