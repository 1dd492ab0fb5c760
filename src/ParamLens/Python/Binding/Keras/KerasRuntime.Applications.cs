namespace ParamLens.Python.Keras;

/// <summary>
/// <c>keras.applications</c>: the architectures written here in the interpreter's own Python, layer for layer as Keras
/// builds them (names, order, configs: keras/src/applications), so their summaries are exact and need no weights file.
/// <c>weights='imagenet'</c> loads nothing here; it only applies the checks Keras makes for it.
/// </summary>
public sealed partial class KerasRuntime
{
    /// <summary>VGG16 and VGG19 (keras/src/applications/vgg16.py, vgg19.py), ResNet50/101/152 and their V2 forms
    /// (resnet.py, resnet_v2.py), MobileNetV2 (mobilenet_v2.py), and the input-shape rule they share (imagenet_utils.obtain_input_shape), for
    /// channels-last images.</summary>
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

        def _check_top(weights, include_top, classes):
            if weights == "imagenet" and include_top and classes != 1000:
                raise ValueError(f"If using `weights='imagenet'` with `include_top=True`, `classes` should be 1000.  Received classes={classes}")

        def _classifier(x, weights, classes, classifier_activation):
            if weights is not None and classifier_activation not in ("softmax", None):
                raise ValueError(f"Only `None` and `softmax` activations are allowed for the `classifier_activation` argument when using pretrained weights, with `include_top=True`; Received: classifier_activation={classifier_activation}")
            return layers.Dense(classes, activation=classifier_activation, name="predictions")(x)

        def _bn(x, name):
            return layers.BatchNormalization(axis=3, epsilon=1.001e-5, name=name)(x)

        def _residual_v1(x, filters, stride, conv_shortcut, name):
            if conv_shortcut:
                shortcut = _bn(layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(x), name + "_0_bn")
            else:
                shortcut = x
            x = _bn(layers.Conv2D(filters, 1, strides=stride, name=name + "_1_conv")(x), name + "_1_bn")
            x = layers.Activation("relu", name=name + "_1_relu")(x)
            x = _bn(layers.Conv2D(filters, 3, padding="SAME", name=name + "_2_conv")(x), name + "_2_bn")
            x = layers.Activation("relu", name=name + "_2_relu")(x)
            x = _bn(layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x), name + "_3_bn")
            x = layers.Add(name=name + "_add")([shortcut, x])
            return layers.Activation("relu", name=name + "_out")(x)

        def _residual_v2(x, filters, stride, conv_shortcut, name):
            preact = layers.Activation("relu", name=name + "_preact_relu")(_bn(x, name + "_preact_bn"))
            if conv_shortcut:
                shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=name + "_0_conv")(preact)
            else:
                shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
            x = _bn(layers.Conv2D(filters, 1, strides=1, use_bias=False, name=name + "_1_conv")(preact), name + "_1_bn")
            x = layers.Activation("relu", name=name + "_1_relu")(x)
            x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name=name + "_2_pad")(x)
            x = _bn(layers.Conv2D(filters, 3, strides=stride, use_bias=False, name=name + "_2_conv")(x), name + "_2_bn")
            x = layers.Activation("relu", name=name + "_2_relu")(x)
            x = layers.Conv2D(4 * filters, 1, name=name + "_3_conv")(x)
            return layers.Add(name=name + "_out")([shortcut, x])

        def _stack_v1(x, filters, blocks, stride1, name):
            x = _residual_v1(x, filters, stride1, True, name + "_block1")
            for i in range(2, blocks + 1):
                x = _residual_v1(x, filters, 1, False, name + "_block" + str(i))
            return x

        def _stack_v2(x, filters, blocks, stride1, name):
            x = _residual_v2(x, filters, 1, True, name + "_block1")
            for i in range(2, blocks):
                x = _residual_v2(x, filters, 1, False, name + "_block" + str(i))
            return _residual_v2(x, filters, stride1, False, name + "_block" + str(blocks))

        def _resnet(blocks, preact, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name):
            if not preact and keras_version[0] == 2 and (keras_standalone or keras_version[1] < 3):
                raise NotImplementedError("ResNet50 as standalone Keras and tf.keras up to 2.2.4-tf build it (keras_applications' resnet50: conv1, bn_conv1, res2a_branch2a, ...) is not modelled here; give --keras-version 2.4 or later")
            _check_top(weights, include_top, classes)
            input_shape = _input_shape(input_shape, 224, 32, include_top, weights)
            img_input = Input(shape=input_shape) if input_tensor is None else input_tensor
            x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
            x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
            if not preact:
                x = layers.Activation("relu", name="conv1_relu")(_bn(x, "conv1_bn"))
            x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
            x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
            for stack, (filters, count) in enumerate(zip((64, 128, 256, 512), blocks), start=2):
                if preact:
                    x = _stack_v2(x, filters, count, 1 if stack == 5 else 2, f"conv{stack}")
                else:
                    x = _stack_v1(x, filters, count, 1 if stack == 2 else 2, f"conv{stack}")
            if preact:
                x = layers.Activation("relu", name="post_relu")(_bn(x, "post_bn"))
            if include_top:
                x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
                x = _classifier(x, weights, classes, classifier_activation)
            elif pooling == "avg":
                x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
            elif pooling == "max":
                x = layers.GlobalMaxPooling2D(name="max_pool")(x)
            return Model(img_input, x, name=name)

        def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                     classifier_activation="softmax", name="resnet50"):
            return _resnet((3, 4, 6, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)

        def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                      classifier_activation="softmax", name="resnet101"):
            return _resnet((3, 4, 23, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)

        def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                      classifier_activation="softmax", name="resnet152"):
            return _resnet((3, 8, 36, 3), False, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)

        def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                       classifier_activation="softmax", name="resnet50v2"):
            return _resnet((3, 4, 6, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)

        def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                        classifier_activation="softmax", name="resnet101v2"):
            return _resnet((3, 4, 23, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)

        def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None, pooling=None, classes=1000,
                        classifier_activation="softmax", name="resnet152v2"):
            return _resnet((3, 8, 36, 3), True, include_top, weights, input_tensor, input_shape, pooling, classes, classifier_activation, name)

        def _make_divisible(v, divisor):
            new_v = max(divisor, int(v + divisor / 2) // divisor * divisor)
            if new_v < 0.9 * v:
                new_v += divisor
            return new_v

        def _correct_pad(x, kernel_size):
            rows, cols = x.shape[1], x.shape[2]
            adjust = (1, 1) if rows is None else (1 - rows % 2, 1 - cols % 2)
            correct = kernel_size // 2
            return ((correct - adjust[0], correct), (correct - adjust[1], correct))

        def _bn_v2(x, name):
            return layers.BatchNormalization(axis=-1, epsilon=1e-3, momentum=0.999, name=name)(x)

        def _inverted_residual(inputs, expansion, stride, alpha, filters, block_id):
            in_channels = inputs.shape[-1]
            pointwise_filters = _make_divisible(int(filters * alpha), 8)
            x = inputs
            prefix = f"block_{block_id}_"
            if block_id:
                x = layers.Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False, activation=None, name=f"{prefix}expand")(x)
                x = layers.ReLU(6.0, name=f"{prefix}expand_relu")(_bn_v2(x, f"{prefix}expand_BN"))
            else:
                prefix = "expanded_conv_"
            if stride == 2:
                x = layers.ZeroPadding2D(padding=_correct_pad(x, 3), name=f"{prefix}pad")(x)
            x = layers.DepthwiseConv2D(kernel_size=3, strides=stride, activation=None, use_bias=False,
                                       padding="same" if stride == 1 else "valid", name=f"{prefix}depthwise")(x)
            x = layers.ReLU(6.0, name=f"{prefix}depthwise_relu")(_bn_v2(x, f"{prefix}depthwise_BN"))
            x = layers.Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False, activation=None, name=f"{prefix}project")(x)
            x = _bn_v2(x, f"{prefix}project_BN")
            if in_channels == pointwise_filters and stride == 1:
                return layers.Add(name=f"{prefix}add")([inputs, x])
            return x

        def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet", input_tensor=None, pooling=None,
                        classes=1000, classifier_activation="softmax", name=None):
            _check_top(weights, include_top, classes)
            if input_shape is None and input_tensor is not None:
                rows, cols = input_tensor.shape[1], input_tensor.shape[2]
                default_size = rows if rows == cols and rows in (96, 128, 160, 192, 224) else 224
            elif input_shape is None:
                default_size = 224
            else:
                rows, cols = input_shape[0], input_shape[1]
                default_size = rows if rows == cols and rows in (96, 128, 160, 192, 224) else 224
            input_shape = _input_shape(input_shape, default_size, 32, include_top, weights)
            rows, cols = input_shape[0], input_shape[1]
            if weights == "imagenet":
                if alpha not in (0.35, 0.50, 0.75, 1.0, 1.3, 1.4):
                    raise ValueError(f"If imagenet weights are being loaded, alpha must be one of `0.35`, `0.50`, `0.75`, `1.0`, `1.3` or `1.4` only; Received `alpha={alpha}`")
                if rows != cols or rows not in (96, 128, 160, 192, 224):
                    rows = 224
            img_input = Input(shape=input_shape) if input_tensor is None else input_tensor
            first_filters = _make_divisible(32 * alpha, 8)
            if keras_version[0] == 2 and keras_version[1] >= 7:
                raise NotImplementedError("MobileNetV2 as Keras 2.7-2.15 builds it is not modelled here (its first convolution changed from a padded 'valid' one to a 'same' one somewhere between 2.6 and Keras 3); give --keras-version 2.6 or 3")
            if keras_version[0] == 2:
                # keras_applications 1.0.x and tf.keras up to 2.6: the stem pads explicitly, then convolves 'valid'.
                x = layers.ZeroPadding2D(padding=_correct_pad(img_input, 3), name="Conv1_pad")(img_input)
                x = layers.Conv2D(first_filters, kernel_size=3, strides=(2, 2), padding="valid", use_bias=False, name="Conv1")(x)
            else:
                x = layers.Conv2D(first_filters, kernel_size=3, strides=(2, 2), padding="same", use_bias=False, name="Conv1")(img_input)
            x = layers.ReLU(6.0, name="Conv1_relu")(_bn_v2(x, "bn_Conv1"))
            block_id = 0
            for filters, stride, repeats, expansion in ((16, 1, 1, 1), (24, 2, 2, 6), (32, 2, 3, 6), (64, 2, 4, 6), (96, 1, 3, 6), (160, 2, 3, 6), (320, 1, 1, 6)):
                for repeat in range(repeats):
                    x = _inverted_residual(x, expansion, stride if repeat == 0 else 1, alpha, filters, block_id)
                    block_id += 1
            last_block_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
            x = layers.Conv2D(last_block_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
            x = layers.ReLU(6.0, name="out_relu")(_bn_v2(x, "Conv_1_bn"))
            if include_top:
                x = layers.GlobalAveragePooling2D()(x)
                x = _classifier(x, weights, classes, classifier_activation)
            elif pooling == "avg":
                x = layers.GlobalAveragePooling2D()(x)
            elif pooling == "max":
                x = layers.GlobalMaxPooling2D()(x)
            if name is None:
                name = f"mobilenetv2_{alpha:0.2f}_{rows}"
            return Model(img_input, x, name=name)

        def preprocess_input(x, data_format=None):
            return x
        """;

    /// <summary>The architecture files of keras.applications and the functions each exports.</summary>
    private static readonly (string File, string[] Functions)[] ApplicationFiles =
    [
        ("vgg16", ["VGG16"]), ("vgg19", ["VGG19"]), ("resnet50", ["ResNet50"]), ("resnet", ["ResNet50", "ResNet101", "ResNet152"]),
        ("resnet_v2", ["ResNet50V2", "ResNet101V2", "ResNet152V2"]), ("mobilenet_v2", ["MobileNetV2"]),
    ];

    private PyModule? _applications;

    /// <summary>keras.applications, built the first time code imports or reaches it: its Python runs only for programs that
    /// use it.</summary>
    private PyModule Applications(PyModule keras) => _applications ??= BuildApplications(keras);

    /// <summary>The module, with a submodule per architecture file (<c>keras.applications.vgg16</c>).</summary>
    private PyModule BuildApplications(PyModule keras)
    {
        var applications = Mod("keras.applications");
        applications.UnknownReason = "this architecture of keras.applications is not modelled here yet";
        applications.Dict["layers"] = keras.Dict["layers"];
        applications.Dict["Input"] = keras.Dict["Input"];
        applications.Dict["Model"] = keras.Dict["Model"];
        applications.Dict["image_data_format"] = ((PyModule)keras.Dict["backend"]!).Dict["image_data_format"];
        applications.Dict["keras_version"] = new PyTuple([new System.Numerics.BigInteger(Version.Major), new System.Numerics.BigInteger(Version.Minor)]);
        applications.Dict["keras_standalone"] = Version.IsStandalone;
        _py.RunModule(applications, ApplicationsSource);
        foreach (var (file, functions) in ApplicationFiles)
        {
            var sub = Mod($"keras.applications.{file}");
            foreach (var function in functions) sub.Dict[function] = applications.Dict[function];
            sub.Dict["preprocess_input"] = applications.Dict["preprocess_input"];
            applications.Dict[file] = sub;
        }
        return applications;
    }
}
