using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorCausal.Streams;

/// <summary>
/// A causal consumer of partitioned streams (Kafka partitions, files, queues): merges N partition sources of
/// <see cref="Stamped{T}"/> elements and emits each only after its producer's previous element and its dependencies,
/// whichever partitions they were written to. Each partition is back-pressured on its own; elements waiting for a
/// dependency are bounded (<see cref="CausalMergeSettings.MaxBuffered"/>) and a dependency that does not arrive fails the
/// stage with <see cref="MissingDependenciesException"/>; every emitted element carries its partition's commit point, and
/// <see cref="CausalCheckpoint"/> resumes a restarted consumer without emitting anything twice.
/// </summary>
public static class CausalMerge
{
    /// <summary>The fan-in stage over <paramref name="partitions"/> inputs (input i is partition i), for GraphDsl.</summary>
    public static IGraph<UniformFanInShape<PartitionRecord<T>, CausalMerged<T>>, CausalMergeProgress> Create<T>(
        int partitions, CausalMergeSettings? settings = null, CausalCheckpoint? resumeFrom = null) =>
        new CausalMergeStage<T>(partitions, settings ?? CausalMergeSettings.Default, resumeFrom);

    /// <summary>
    /// A source merging <paramref name="partitions"/> (source i is partition i; when resuming, each must start at
    /// <paramref name="resumeFrom"/>'s commit point for it). Its materialized value reports the progress.
    /// </summary>
    public static Source<CausalMerged<T>, CausalMergeProgress> FromPartitions<T, TMat>(
        IReadOnlyList<Source<PartitionRecord<T>, TMat>> partitions, CausalMergeSettings? settings = null, CausalCheckpoint? resumeFrom = null)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        return Source.FromGraph(GraphDsl.Create(Create<T>(partitions.Count, settings, resumeFrom), (builder, merge) =>
        {
            for (var i = 0; i < partitions.Count; i++) builder.From(builder.Add(partitions[i]).Outlet).To(merge.In(i));
            return new SourceShape<CausalMerged<T>>(merge.Out);
        }));
    }
}
