self.__kbShard("c7863","xcode xcodebuild xcodegen xcodeproj xcrun");
