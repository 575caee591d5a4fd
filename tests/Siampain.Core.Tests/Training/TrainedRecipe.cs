namespace Siampain.Tests.Training;

/// <summary>The training tests share one fixture and run one after another: the machine has few cores to spare.</summary>
[CollectionDefinition(Name)]
public sealed class TrainingCollection : ICollectionFixture<TrainedRecipe>
{
    public const string Name = "training tool";
}

/// <summary>The recipe trained once for two steps on the tiny face set, shared by the tests that resume and export it.</summary>
public sealed class TrainedRecipe : IDisposable
{
    /// <summary>Small and quick, but still the recipe's network: VGG-16-BN at 32x32 (a 1x1x512 embedding).</summary>
    public static readonly string[] Quick =
    [
        "--crop", "1.0", "--input-size", "32", "--validation-share", "0.2", "--validation-pairs", "8",
        "--log-every", "1", "--validate-every", "1", "--threads", "1",
    ];

    public TrainedRecipe()
    {
        Faces = new FaceSet();
        Folder = Path.Combine(Faces.Root, "trained");
        Run = TrainingTool.Run(["train", "--data", Faces.Folder, "--out", Folder, "--steps", "2", .. Quick]);
    }

    public FaceSet Faces { get; }

    public string Folder { get; }

    public string Checkpoint => Path.Combine(Folder, "checkpoint.pt");

    public ToolRun Run { get; }

    public void Dispose() => Faces.Dispose();
}
