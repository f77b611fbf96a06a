"""Item pipelines: one, `stages.StagePipeline`, which runs crawler.stages.PIPELINE in the worker pool."""
