using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using ActorCausal.Protocol;
using ActorCausal.Simulation.Checking;

namespace ActorCausal.Simulation;

/// <summary>
/// The <c>sim</c> command line: runs many seeded schedules and checks every one. The last line of output is always
/// <c>schedules=N deliveries=D violations=V</c> once the run starts; the exit code is 1 when V &gt; 0 and on invalid arguments.
/// </summary>
public static class Cli
{
    private const int MaxViolationsShown = 10;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        var schedules = new Option<int>("--schedules") { Description = "Number of schedules to run.", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the first schedule; schedule i uses seed+i.", DefaultValueFactory = _ => 1UL };
        var members = new Option<int>("--members") { Description = "Members of the group.", DefaultValueFactory = _ => 5 };
        var messages = new Option<int>("--messages") { Description = "Broadcasts per schedule.", DefaultValueFactory = _ => 200 };
        var loss = new Option<double>("--loss") { Description = "Probability that a message copy is lost on a link, in [0, 1).", DefaultValueFactory = _ => 0 };
        var dup = new Option<double>("--dup") { Description = "Probability that a message is duplicated on a link, in [0, 1].", DefaultValueFactory = _ => 0 };
        var order = new Option<string>("--order") { Description = "Delivery order of the broadcasts.", DefaultValueFactory = _ => "mixed" };
        order.AcceptOnlyFromAmong("fifo", "causal", "explicit", "total", "mixed");
        var totalMode = new Option<string>("--total-mode") { Description = "Total-order variant: three-step, two-step, or picked per schedule.", DefaultValueFactory = _ => "mixed" };
        totalMode.AcceptOnlyFromAmong("three", "two", "mixed");
        var fifoLinks = new Option<bool>("--fifo-links") { Description = "Links deliver in send order (as Akka remoting does); false lets messages overtake.", DefaultValueFactory = _ => true };
        var delayMin = new Option<int>("--delay-min") { Description = "Minimum link delay in ms.", DefaultValueFactory = _ => 1 };
        var delayMax = new Option<int>("--delay-max") { Description = "Maximum link delay in ms.", DefaultValueFactory = _ => 30 };
        var parallelism = new Option<int>("--parallelism") { Description = "Schedules run at once (each one is single-threaded).", DefaultValueFactory = _ => Environment.ProcessorCount };

        Positive(schedules);
        Positive(members);
        Positive(parallelism);
        AtLeast(messages, 0);
        AtLeast(delayMin, 0);
        AtLeast(delayMax, 0);
        Probability(loss, allowOne: false);
        Probability(dup, allowOne: true);

        var root = new RootCommand("Deterministic network simulation of ActorCausal groups, checked against the design's invariants.")
        {
            schedules, seed, members, messages, loss, dup, order, totalMode, fifoLinks, delayMin, delayMax, parallelism,
        };
        root.SetAction(parse =>
        {
            if (parse.GetValue(delayMax) < parse.GetValue(delayMin))
            {
                error.WriteLine("--delay-max must be at least --delay-min.");
                return 1;
            }
            var options = new SimulationOptions
            {
                Members = parse.GetValue(members),
                Messages = parse.GetValue(messages),
                Loss = parse.GetValue(loss),
                Duplication = parse.GetValue(dup),
                Reorder = !parse.GetValue(fifoLinks),
                MinDelayMs = parse.GetValue(delayMin),
                MaxDelayMs = parse.GetValue(delayMax),
                Order = parse.GetValue(order) switch
                {
                    "fifo" => OrderMix.Fifo,
                    "causal" => OrderMix.Causal,
                    "explicit" => OrderMix.Explicit,
                    "total" => OrderMix.Total,
                    _ => OrderMix.Mixed,
                },
                TotalMode = parse.GetValue(totalMode) switch
                {
                    "three" => TotalOrderMode.ThreeStep,
                    "two" => TotalOrderMode.TwoStep,
                    _ => null,
                },
            };
            return Execute(options, parse.GetValue(seed), parse.GetValue(schedules), parse.GetValue(parallelism), output);
        });

        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>Runs the schedules and prints the report; returns the exit code.</summary>
    public static int Execute(SimulationOptions options, ulong firstSeed, int schedules, int parallelism, TextWriter output) =>
        Execute(options, firstSeed, schedules, parallelism, output, GroupMemberAdapter.Factory);

    internal static int Execute(SimulationOptions options, ulong firstSeed, int schedules, int parallelism, TextWriter output, SimulatedMemberFactory factory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(inv,
            $"sim: {schedules} schedules from seed {firstSeed}, {options.Members} members, {options.Messages} broadcasts, order {options.Order}, total {options.TotalMode?.ToString() ?? "mixed"}, loss {options.Loss}, dup {options.Duplication}, {(options.Reorder ? "reordering" : "FIFO")} links"));

        long deliveries = 0, violations = 0, rejected = 0, unknownDeps = 0, skew = 0, backPressure = 0;
        int done = 0, notQuiescent = 0, violating = 0;
        ScheduleResult? first = null;
        var traceHash = 14695981039346656037UL;
        var progressStep = Math.Max(1, schedules / 10);
        var started = System.Diagnostics.Stopwatch.StartNew();

        SimulationRunner.RunMany(options, firstSeed, schedules, factory, r =>
        {
            done++;
            traceHash = (traceHash ^ r.TraceHash) * 1099511628211UL;
            deliveries += r.Deliveries;
            violations += r.Violations.Length;
            rejected += r.RejectedInputs;
            unknownDeps += r.UnknownDependencyRefusals;
            skew += r.ClockSkewEvents;
            backPressure += r.BackPressureRefusals;
            if (!r.Quiescent) notQuiescent++;
            if (r.HasViolations)
            {
                violating++;
                first ??= r;
            }
            if (done % progressStep == 0 && done < schedules)
                output.WriteLine(string.Create(inv, $"  {done}/{schedules} schedules, {deliveries} deliveries, {violations} violations, {started.Elapsed.TotalSeconds:F1}s"));
        }, parallelism);

        output.WriteLine(string.Create(inv,
            $"quiescent={schedules - notQuiescent}/{schedules} back-pressure-refusals={backPressure} rejected-inputs={rejected} unknown-dependency-refusals={unknownDeps} clock-skew={skew} trace-hash={traceHash:x16} elapsed={started.Elapsed.TotalSeconds:F1}s"));
        if (first is not null)
        {
            output.WriteLine(string.Create(inv, $"{violating} violating schedules; first violating seed: {first.Seed} (total-order mode {first.TotalOrderMode}, {first.Violations.Length} violations)"));
            foreach (var v in first.Violations.Take(MaxViolationsShown))
                output.WriteLine(string.Create(inv, $"  seed={first.Seed} kind={v.Kind} member={v.Member} messages=[{string.Join(", ", v.Messages)}] {FirstLine(v.Detail)}"));
            if (first.Violations.Length > MaxViolationsShown) output.WriteLine($"  ... {first.Violations.Length - MaxViolationsShown} more");
            foreach (var sample in first.RejectionSamples) output.WriteLine($"  {sample}");
        }
        output.WriteLine(string.Create(inv, $"schedules={schedules} deliveries={deliveries} violations={violations}"));
        return violations > 0 ? 1 : 0;
    }

    private static string FirstLine(string text)
    {
        var newline = text.IndexOf('\n');
        return newline < 0 ? text : text[..newline].TrimEnd('\r');
    }

    private static void Positive(Option<int> option) => AtLeast(option, 1);

    private static void AtLeast(Option<int> option, int min) =>
        option.Validators.Add(result =>
        {
            // A token that is not a number is reported by the parser itself.
            if (result.Tokens.Count == 1 && int.TryParse(result.Tokens[0].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value < min)
                result.AddError($"{option.Name} must be at least {min}.");
        });

    private static void Probability(Option<double> option, bool allowOne) =>
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count != 1 || !double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p)) return;
            if (!(p >= 0 && (allowOne ? p <= 1 : p < 1)))
                result.AddError($"{option.Name} must be in [0, {(allowOne ? "1]" : "1)")}.");
        });
}
