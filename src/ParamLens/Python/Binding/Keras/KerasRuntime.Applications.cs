namespace ParamLens.Python.Keras;

/// <summary>
/// <c>keras.applications</c>: the architectures written here in the interpreter's own Python, layer for layer as Keras
/// builds them (names, order, configs: keras/src/applications), so their summaries are exact and need no weights file.
/// <c>weights='imagenet'</c> loads nothing here; it only applies the checks Keras makes for it.
/// </summary>
public sealed partial class KerasRuntime
{
    /// <summary>VGG16 and VGG19 (keras/src/applications/vgg16.py, vgg19.py) and the input-shape rule they share
    /// (imagenet_utils.obtain_input_shape), for channels-last images.</summary>
    private const string ApplicationsSource = """
        def _input_shape(input_shape, default_size, min_size, require_flatten, weights):
            if image_data_format() != "channels_last":
                raise NotImplementedError("keras.applications with channels_first images is not modelled here")
            if weights != "imagenet" and input_shape and len(input_shape) == 3:
                default_shape = (default_size, default_size, input_shape[-1])
            else:
                default_shape = (default_size, default_size, 3)
            if weights == "imagenet" and require_flatten:
                if input_shape is not None and tuple(input_shape) != default_shape:
                    raise ValueError(f"When setting `include_top=True` and loading `imagenet` weights, `input_shape` should be {default_shape}.  Received: input_shape={input_shape}")
                return default_shape
            if input_shape:
                if len(input_shape) != 3:
                    raise ValueError("`input_shape` must be a tuple of three integers.")
                if input_shape[-1] != 3 and weights == "imagenet":
                    raise ValueError(f"The input must have 3 channels; Received `input_shape={input_shape}`")
                for size in input_shape[:2]:
                    if size is not None and size < min_size:
                        raise ValueError(f"Input size must be at least {min_size}x{min_size}; Received: input_shape={input_shape}")
            elif require_flatten:
                input_shape = default_shape
            else:
                input_shape = (None, None, 3)
            if require_flatten and None in tuple(input_shape):
                raise ValueError(f"If `include_top` is True, you should specify a static `input_shape`. Received: input_shape={input_shape}")
            return tuple(input_shape)

        def _vgg(convs_per_block, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
            if weights == "imagenet" and include_top and classes != 1000:
                raise ValueError(f"If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes={classes}")
            input_shape = _input_shape(input_shape, 224, 32, include_top, weights)
            img_input = Input(shape=input_shape) if input_tensor is None else input_tensor
            x = img_input
            for block, (filters, convs) in enumerate(zip((64, 128, 256, 512, 512), convs_per_block), start=1):
                for conv in range(1, convs + 1):
                    x = layers.Conv2D(filters, (3, 3), activation="relu", padding="same", name=f"block{block}_conv{conv}")(x)
                x = layers.MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
            if include_top:
                x = layers.Flatten(name="flatten")(x)
                x = layers.Dense(4096, activation="relu", name="fc1")(x)
                x = layers.Dense(4096, activation="relu", name="fc2")(x)
                if weights is not None and classifier_activation not in ("softmax", None):
                    raise ValueError(f"Only `None` and `softmax` activations are allowed for the `classifier_activation` argument when using pretrained weights, with `include_top=True`; Received: classifier_activation={classifier_activation}")
                x = layers.Dense(classes, activation=classifier_activation, name="predictions")(x)
            elif pooling == "avg":
                x = layers.GlobalAveragePooling2D()(x)
            elif pooling == "max":
                x = layers.GlobalMaxPooling2D()(x)
            return Model(img_input, x, name=name)

        def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                  classifier_activation="softmax", name="vgg16"):
            return _vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)

        def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                  classifier_activation="softmax", name="vgg19"):
            return _vgg((2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)

        def preprocess_input(x, data_format=None):
            return x
        """;

    /// <summary>The module, with a submodule per architecture file (<c>keras.applications.vgg16</c>).</summary>
    private PyModule BuildApplications(PyModule keras)
    {
        var applications = Mod("keras.applications");
        applications.UnknownReason = "this architecture of keras.applications is not modelled here yet";
        applications.Dict["layers"] = keras.Dict["layers"];
        applications.Dict["Input"] = keras.Dict["Input"];
        applications.Dict["Model"] = keras.Dict["Model"];
        applications.Dict["image_data_format"] = ((PyModule)keras.Dict["backend"]!).Dict["image_data_format"];
        _py.RunModule(applications, ApplicationsSource);
        foreach (var (file, functions) in new[] { ("vgg16", new[] { "VGG16" }), ("vgg19", new[] { "VGG19" }) })
        {
            var sub = Mod($"keras.applications.{file}");
            foreach (var function in functions) sub.Dict[function] = applications.Dict[function];
            sub.Dict["preprocess_input"] = applications.Dict["preprocess_input"];
            applications.Dict[file] = sub;
        }
        return applications;
    }
}
