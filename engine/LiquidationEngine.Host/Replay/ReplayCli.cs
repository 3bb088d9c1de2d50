using System.CommandLine;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using LiquidationEngine.Replay;

namespace LiquidationEngine.Host.Replay;

/// <summary>The <c>replay</c> and <c>convert</c> subcommands for System.CommandLine: options parsed into
/// <see cref="ReplayOptions"/> / <see cref="ConvertOptions"/> and handed to <see cref="ReplayCommand"/> / <see cref="ConvertCommand"/>.</summary>
[SuppressMessage("Maintainability", "CA1515", Justification = "Program.cs adds these to its root command.")]
public static class ReplayCli
{
    /// <summary>Builds <c>liqengine replay [files...] [options]</c>.</summary>
    public static Command CreateReplayCommand()
    {
        var inputs = new Argument<string[]>("files")
        {
            Description = "Tick files (any feed format, plain or gzip), merged by timestamp. None: the built-in crash-and-recovery scenario.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--format") { Description = "Input format: auto, binance-stream, tardis, binance-klines, generic, binary.", DefaultValueFactory = _ => "auto" };
        var instruments = new Option<string?>("--instruments") { Description = "Instruments config (default: config/instruments.json)." };
        var symbol = new Option<string?>("--symbol") { Description = "Instrument of files whose rows carry no symbol (binance-klines); default: the file name up to its first '-'." };
        var positions = new Option<string?>("--positions") { Description = "Positions snapshot, CSV or JSON (docs/REPLAY.md). Default: a generated book." };
        var generate = new Option<int?>("--generate") { Description = "Positions to generate (default 100000 for the built-in scenario, 10000 for files)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the generated book and the built-in mark path.", DefaultValueFactory = _ => BuiltInScenario.DefaultSeed };
        var symbols = new Option<string[]>("--symbols") { Description = "Instruments to generate positions on, comma-separated or repeated (default: those the files tick)." };
        var anchor = new Option<string>("--anchor") { Description = "Generated entries near: first-mark or reference.", DefaultValueFactory = _ => "first-mark" };
        var spread = new Option<int>("--entry-spread-bps") { Description = "Generated entries spread ± this many bps around the anchor.", DefaultValueFactory = _ => 100 };
        var writeBook = new Option<string?>("--write-book") { Description = "Write the book used to this CSV file." };
        var speed = new Option<string>("--speed") { Description = "Pacing: max (as fast as possible) or a factor of real time (1 = real time, 60 = a minute per second).", DefaultValueFactory = _ => "max" };
        var fill = new Option<string>("--fill") { Description = "Execution of liquidation orders: bankruptcy, next-mark, slippage, no-fill.", DefaultValueFactory = _ => "next-mark" };
        var slippage = new Option<int>("--slippage-bps") { Description = "Adverse slippage for --fill slippage, in bps.", DefaultValueFactory = _ => 10 };
        var beyond = new Option<bool>("--fill-beyond-limit") { Description = "Let next-mark/slippage fills go past the bankruptcy price (the fund pays the shortfall) instead of not filling." };
        var interval = new Option<int>("--match-interval-ms") { Description = "Feed-time length of a matching round: orders are answered at its end.", DefaultValueFactory = _ => 1000 };
        var fund = new Option<string>("--insurance-fund") { Description = "Initial insurance fund per settlement asset.", DefaultValueFactory = _ => "0" };
        var strict = new Option<bool>("--strict") { Description = "Stop at the first bad input line or rejected book row (exit code 2)." };
        var output = new Option<string?>("--out") { Description = "Output directory (default ./out/replay-<scenario>/)." };
        var noReport = new Option<bool>("--no-report") { Description = "Skip the HTML report." };
        var plain = new Option<bool>("--plain") { Description = "Plain progress lines even on a terminal." };
        var maxErrors = new Option<int>("--max-errors-shown") { Description = "Bad lines of each kind listed in the console and summary (every one goes to errors.txt).", DefaultValueFactory = _ => 3 };
        var step = new Option<int>("--step-seconds") { Description = "Seconds between the built-in scenario's marks.", DefaultValueFactory = _ => (int)BuiltInScenario.DefaultStepSeconds };
        var journal = new Option<string?>("--journal") { Description = "Replay a daemon journal (journal or data directory) deterministically: its orders and final state hash." };
        var journalOut = new Option<string?>("--journal-out") { Description = "Also record the run's inputs as a daemon journal in this directory (replay it with --journal)." };
        var wait = new Option<string>("--wait-strategy") { Description = "Pipeline wait strategy: busy-spin, yielding, sleeping, blocking.", DefaultValueFactory = _ => "yielding" };

        var command = new Command("replay", "Replay mark prices through the engine against a book of isolated positions and report the liquidations.")
        {
            inputs, format, symbol, instruments, positions, generate, seed, symbols, anchor, spread, writeBook, speed, fill, slippage, beyond,
            interval, fund, strict, output, noReport, plain, maxErrors, step, journal, journalOut, wait,
        };
        command.SetAction(parse =>
        {
            string speedText = parse.GetValue(speed) ?? "max";
            double factor = 0;
            if (!string.Equals(speedText, "max", StringComparison.OrdinalIgnoreCase)
                && (!double.TryParse(speedText, NumberStyles.Float, CultureInfo.InvariantCulture, out factor) || factor <= 0 || double.IsInfinity(factor)))
            {
                Console.Error.WriteLine($"replay: --speed must be 'max' or a positive factor, got '{speedText}'.");
                return ReplayCommand.ExitUsage;
            }

            return ReplayCommand.Run(new ReplayOptions
            {
                Inputs = parse.GetValue(inputs) ?? [],
                Format = parse.GetValue(format) ?? "auto",
                Symbol = parse.GetValue(symbol),
                InstrumentsPath = parse.GetValue(instruments),
                PositionsPath = parse.GetValue(positions),
                GeneratePositions = parse.GetValue(generate),
                Seed = parse.GetValue(seed),
                Symbols = [.. (parse.GetValue(symbols) ?? []).SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))],
                Anchor = parse.GetValue(anchor) ?? "first-mark",
                EntrySpreadBps = parse.GetValue(spread),
                WriteBookPath = parse.GetValue(writeBook),
                Speed = factor,
                Fill = parse.GetValue(fill) ?? "next-mark",
                SlippageBps = parse.GetValue(slippage),
                FillBeyondLimit = parse.GetValue(beyond),
                MatchIntervalMs = parse.GetValue(interval),
                InsuranceFund = parse.GetValue(fund) ?? "0",
                Strict = parse.GetValue(strict),
                OutputDirectory = parse.GetValue(output),
                NoReport = parse.GetValue(noReport),
                Plain = parse.GetValue(plain),
                MaxErrorsShown = parse.GetValue(maxErrors),
                StepSeconds = parse.GetValue(step),
                JournalPath = parse.GetValue(journal),
                JournalOutPath = parse.GetValue(journalOut),
                WaitStrategy = parse.GetValue(wait) ?? "yielding",
            });
        });
        return command;
    }

    /// <summary>Builds <c>liqengine convert files... --output file [options]</c>.</summary>
    public static Command CreateConvertCommand()
    {
        var inputs = new Argument<string[]>("files") { Description = "Feed files to convert (merged by timestamp when several).", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "The binary tick file to write.", Required = true };
        var format = new Option<string>("--format") { Description = "Input format: auto, binance-stream, tardis, binance-klines, generic, binary.", DefaultValueFactory = _ => "auto" };
        var instruments = new Option<string?>("--instruments") { Description = "Instruments config whose venue symbols map the input (default: config/instruments.json)." };
        var strict = new Option<bool>("--strict") { Description = "Stop at the first bad line (exit code 2, no output file)." };
        var command = new Command("convert", "Convert feed files to the engine's binary tick format.") { inputs, output, format, instruments, strict };
        command.SetAction(parse => ConvertCommand.Run(new ConvertOptions
        {
            Inputs = parse.GetValue(inputs) ?? [],
            Output = parse.GetValue(output) ?? string.Empty,
            Format = parse.GetValue(format) ?? "auto",
            InstrumentsPath = parse.GetValue(instruments),
            Strict = parse.GetValue(strict),
        }));
        return command;
    }
}
