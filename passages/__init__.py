"""The passage layer: segmentation, speakers, voice, target force and page furniture."""
