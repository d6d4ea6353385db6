const features = { copyButtons: true, relativeTime: true };
