using Microsoft.Extensions.Logging;
using Siampain.Detection;
using Siampain.Models;
using Siampain.Pipeline;
using Siampain.Recognition;
using Siampain.Storage;

namespace Siampain.Hosting;

/// <summary>
/// The models, the gallery and the pipeline of a running terminal. Built once at start: a missing or corrupt model
/// stops the service there, with the file named, instead of at the first face.
/// </summary>
public sealed class RecognitionEngine : IDisposable
{
    private readonly BlazeFaceDetector _detector;
    private readonly FaceEmbedder _embedder;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <exception cref="ModelException">The manifest or a model is missing, corrupt or of the wrong shape.</exception>
    public RecognitionEngine(RecognitionOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        Manifest = ModelManifest.Load(ModelsFolderOf(options));
        _detector = new BlazeFaceDetector(Manifest, options.Threads);
        try
        {
            _embedder = new FaceEmbedder(Manifest, options.Embedder, options.Threads, maxBatch: options.MaxFacesPerFrame);
        }
        catch
        {
            _detector.Dispose();
            throw;
        }

        Gallery = new FaceGallery(_embedder.Dimensions);
        Pipeline = new RecognitionPipeline(_detector, _embedder, Gallery, options, time);
    }

    public ModelManifest Manifest { get; }

    public FaceGallery Gallery { get; }

    public RecognitionPipeline Pipeline { get; }

    /// <summary>Identifies the embedder's weights; only templates of this model are matched.</summary>
    public string ModelId => _embedder.ModelId;

    /// <summary>The embedder's file name without extension, as the status topic reports it.</summary>
    public string ModelName => Path.GetFileNameWithoutExtension(_embedder.Manifest.File);

    /// <summary>Recognition:ModelsFolder, or the models shipped beside the executable.</summary>
    public static string ModelsFolderOf(RecognitionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return string.IsNullOrWhiteSpace(options.ModelsFolder) ? Path.Combine(AppContext.BaseDirectory, "models") : options.ModelsFolder;
    }

    /// <summary>
    /// Fills the gallery with the stored templates of this embedder's model. Templates of other models cannot be
    /// compared with this one's embeddings; they are left in the database and reported.
    /// </summary>
    public GalleryLoad LoadGallery(PeopleStore people, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(people);
        ArgumentNullException.ThrowIfNull(logger);
        foreach (var person in people.List())
        {
            _names[person.Id] = person.Name;
        }

        var loaded = 0;
        var persons = new HashSet<string>(StringComparer.Ordinal);
        var skipped = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var template in people.ListTemplates())
        {
            if (!string.Equals(template.ModelId, ModelId, StringComparison.Ordinal))
            {
                skipped[template.ModelId] = skipped.GetValueOrDefault(template.ModelId) + 1;
                continue;
            }

            Gallery.Add(template.PersonId, template.Embedding, template.Masked);
            persons.Add(template.PersonId);
            loaded++;
        }

        foreach (var (model, count) in skipped)
        {
            Log.TemplatesOfOtherModel(logger, count, model, ModelId);
        }

        if (loaded == 0)
        {
            Log.GalleryEmpty(logger, ModelId);
        }
        else
        {
            Log.GalleryLoaded(logger, persons.Count, loaded, ModelId);
        }

        return new GalleryLoad(persons.Count, loaded, skipped.Values.Sum());
    }

    /// <summary>The enrolled name of a person id, or the id when the person has no name on record.</summary>
    public string NameOf(string personId) => _names.GetValueOrDefault(personId, personId);

    public void Dispose()
    {
        _embedder.Dispose();
        _detector.Dispose();
    }
}

/// <summary>What <see cref="RecognitionEngine.LoadGallery"/> found.</summary>
public sealed record GalleryLoad(int People, int Templates, int SkippedTemplates);
